/**
 * Payloads made by other implementations, for cross-checks. Their input is periodicInput(): a
 * 1000-byte pseudo-random period repeated 150 times (150000 bytes), so that linked LZ4 blocks
 * really reference earlier blocks.
 *
 *   LZ4_LINKED_FRAME_B64   lz4 CLI v1.9.4: `lz4 -BD -B4 --content-size -BX` (linked 64 KiB blocks,
 *                          block checksums, content size, content checksum)
 *   ZSTD_NO_SIZE_FRAME_B64 zstd CLI v1.5.4: `zstd -c < input` (streamed, so no content size)
 */

export function periodicInput(): Buffer {
  let x = 42;
  const period = Buffer.alloc(1000);
  for (let i = 0; i < period.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    period[i] = (x >>> 16) & 0xff;
  }
  return Buffer.concat(new Array<Buffer>(150).fill(period));
}

export const LZ4_LINKED_FRAME_B64 =
  'BCJNGFxA8EkCAAAAAADp8gQAAP/////ciYmldSBFbYRhgVQS7tS1MEULt+OZ1I6wbi936feVcbov5bzzuRITk3iOqRjudeSJVnrb' +
  'P4CSkXdvYu+Zs2mDRoft+ySrp19pAC0SKOUjhl5TIsK8umOVMps0l0DiF+X8CbqY4u2bCl5ud8gbyndVCbcapDBC4VM4aryptHs3' +
  'TjIsZM0DeIfKyzyEAseVCQfh93u5dQ6ihOFVE1vPd2F4QmgC0GFDA1gG4mz6Bj9xVj6NXTliFj7ehdNR52jNLBmCNq7a00ambGnX' +
  'Ruevv0b4efHXXNBTThp9XY2DV3Ux6kwNfSQyegm+S5MqAZoOIabomgNZlbxq8B9q4Gh0aAij+GaK5FTWxAYEjzJ/nyOZGeUA92qL' +
  'SSoYxXJizpeeSP3cuOtTE1Nv/O1CdJuX90cHx5zLxYjzJUrG7ivtmQ6KrlJ8ualG6KFYXCUJjFmBwynm5pikZrL0PXpWUv1RsGZv' +
  'sCkMHsWO89KrrwiJvLqlN5tUdj38fC+rOiDwNpd9c/hQN/vqaDz8ITFZi8uamITpPGF9yiNMbktcxxzQQ2xKAYkfn0UI61b/Rpqo' +
  'i8sW+fcjgsSBsRhI1TrB8AMtdYNCtFkQZnuSlyND6nf/JSqbGKcxZJuA2FUAK4aBBi6StXInW2WHmylXRH7CEWCCzAQGIOZ1UWeE' +
  'L4aHjuoTHLh5Szygt98/qTAcUZmO5rn1ynjmGA7ZPhVsHaZSQWHR4WeESp0epT8JuGET6AbJopyFJlE/SGzdg6V+4UqfJyQEF9Sp' +
  'zLETdEKHzBwmkEEVuc/HutQ7Qh3FcWKP7Ryf7hog9bGliV+0SzcWxMxFhupFPhV4Tv+T1dNqfwezz/8FGhudup++w9kdXvVkUT3Q' +
  '+jhqxuMmq5fcpiaOpBXRgUP9n4YdMmh1uq+UIlIuj1cbie2UU9NYhQw1PUe7ijpbf7pGZjHXnq4v+XNV6NpVUycwXTUhzh2XPXlI' +
  'YqWLIsaRSqb2TgV5pxD0kUZ9zaT89SZTYqOOEwRFad+Xu4+g+lGkV+/MNRCWNpeHrWmAl4leYmbTM4tSBP7+mp5UDs0wl8DzBwPe' +
  'fLR42+xCBWpENDjdL0AoPvLOPi8QL8iBwJ48lxD3THnVOa23Wr2nBMQzXY5GYtoeCpzf9NoCb2CSfRcgRnf9fTNdryRm1qnFLsCk' +
  'bUPvoaSzpLlGkM+hIlsE/1QvP3BirVhWGatEYiWcEeVzvaDWRwUfohzKTbc/M23PKmEH/KFcYniOv8EqnSNg+JdNLM+AF0Zzbx82' +
  'CDAx71ybdYf6sliz73w7BFql3uO10otN5sYCTwU2KEHrbG7Cf54Cd8ALuIKS27fESOgD////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////FA+FWwdplCzCsgKAQAAD+j9////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////////////////////////////////////////////////////+hQJKunX2lSFwT2PAQAAP/////cAC0S' +
  'KOUjhl5TIsK8umOVMps0l0DiF+X8CbqY4u2bCl5ud8gbyndVCbcapDBC4VM4aryptHs3TjIsZM0DeIfKyzyEAseVCQfh93u5dQ6i' +
  'hOFVE1vPd2F4QmgC0GFDA1gG4mz6Bj9xVj6NXTliFj7ehdNR52jNLBmCNq7a00ambGnXRuevv0b4efHXXNBTThp9XY2DV3Ux6kwN' +
  'fSQyegm+S5MqAZoOIabomgNZlbxq8B9q4Gh0aAij+GaK5FTWxAYEjzJ/nyOZGeUA92qLSSoYxXJizpeeSP3cuOtTE1Nv/O1CdJuX' +
  '90cHx5zLxYjzJUrG7ivtmQ6KrlJ8ualG6KFYXCUJjFmBwynm5pikZrL0PXpWUv1RsGZvsCkMHsWO89KrrwiJvLqlN5tUdj38fC+r' +
  'OiDwNpd9c/hQN/vqaDz8ITFZi8uamITpPGF9yiNMbktcxxzQQ2xKAYkfn0UI61b/Rpqoi8sW+fcjgsSBsRhI1TrB8AMtdYNCtFkQ' +
  'ZnuSlyND6nf/JSqbGKcxZJuA2FUAK4aBBi6StXInW2WHmylXRH7CEWCCzAQGIOZ1UWeEL4aHjuoTHLh5Szygt98/qTAcUZmO5rn1' +
  'ynjmGA7ZPhVsHaZSQWHR4WeESp0epT8JuGET6AbJopyFJlE/SGzdg6V+4UqfJyQEF9SpzLETdEKHzBwmkEEVuc/HutQ7Qh3FcWKP' +
  '7Ryf7hog9bGliV+0SzcWxMxFhupFPhV4Tv+T1dNqfwezz/8FGhudup++w9kdXvVkUT3Q+jhqxuMmq5fcpiaOpBXRgUP9n4YdMmh1' +
  'uq+UIlIuj1cbie2UU9NYhQw1PUe7ijpbf7pGZjHXnq4v+XNV6NpVUycwXTUhzh2XPXlIYqWLIsaRSqb2TgV5pxD0kUZ9zaT89SZT' +
  'YqOOEwRFad+Xu4+g+lGkV+/MNRCWNpeHrWmAl4leYmbTM4tSBP7+mp5UDs0wl8DzBwPefLR42+xCBWpENDjdL0AoPvLOPi8QL8iB' +
  'wJ48lxD3THnVOa23Wr2nBMQzXY5GYtoeCpzf9NoCb2CSfRcgRnf9fTNdryRm1qnFLsCkbUPvoaSzpLlGkM+hIlsE/1QvP3BirVhW' +
  'GatEYiWcEeVzvaDWRwUfohzKTbc/M23PKmEH/KFcYniOv8EqnSNg+JdNLM+AF0Zzbx82CDAx71ybdYf6sliz73w7BFql3uO10otN' +
  '5sYCTwU2KEHrbG7Cf54Cd8ALuIKS27fESImJpXUgRW2EYYFUEu7UtTBFC7fjmdSOsG4vd+n3lXG6L+W887kSE5N4jqkY7nXkiVZ6' +
  '2z+AkpF3b2LvmbNpg0aH7fskq6dfaegD////////////////////////////////////////////////////////////////////' +
  '/////////////////////////zZQktu3xEiPfL1YAAAAAG97f64=';

export const ZSTD_NO_SIZE_FRAME_B64 =
  'KLUv/QRYnB8AhD6JiaV1IEVthGGBVBLu1LUwRQu345nUjrBuL3fp95Vxui/lvPO5EhOTeI6pGO515IlWets/gJKRd29i75mzaYNG' +
  'h+37JKunX2kALRIo5SOGXlMiwry6Y5UymzSXQOIX5fwJupji7ZsKXm53yBvKd1UJtxqkMELhUzhqvKm0ezdOMixkzQN4h8rLPIQC' +
  'x5UJB+H3e7l1DqKE4VUTW893YXhCaALQYUMDWAbibPoGP3FWPo1dOWIWPt6F01HnaM0sGYI2rtrTRqZsaddG56+/Rvh58ddc0FNO' +
  'Gn1djYNXdTHqTA19JDJ6Cb5LkyoBmg4hpuiaA1mVvGrwH2rgaHRoCKP4ZorkVNbEBgSPMn+fI5kZ5QD3aotJKhjFcmLOl55I/dy4' +
  '61MTU2/87UJ0m5f3RwfHnMvFiPMlSsbuK+2ZDoquUny5qUbooVhcJQmMWYHDKebmmKRmsvQ9elZS/VGwZm+wKQwexY7z0quvCIm8' +
  'uqU3m1R2Pfx8L6s6IPA2l31z+FA3++poPPwhMVmLy5qYhOk8YX3KI0xuS1zHHNBDbEoBiR+fRQjrVv9GmqiLyxb59yOCxIGxGEjV' +
  'OsHwAy11g0K0WRBme5KXI0Pqd/8lKpsYpzFkm4DYVQArhoEGLpK1cidbZYebKVdEfsIRYILMBAYg5nVRZ4QvhoeO6hMcuHlLPKC3' +
  '3z+pMBxRmY7mufXKeOYYDtk+FWwdplJBYdHhZ4RKnR6lPwm4YRPoBsminIUmUT9IbN2DpX7hSp8nJAQX1KnMsRN0QofMHCaQQRW5' +
  'z8e61DtCHcVxYo/tHJ/uGiD1saWJX7RLNxbEzEWG6kU+FXhO/5PV02p/B7PP/wUaG526n77D2R1e9WRRPdD6OGrG4yarl9ymJo6k' +
  'FdGBQ/2fhh0yaHW6r5QiUi6PVxuJ7ZRT01iFDDU9R7uKOlt/ukZmMdeeri/5c1Xo2lVTJzBdNSHOHZc9eUhipYsixpFKpvZOBXmn' +
  'EPSRRn3NpPz1JlNio44TBEVp35e7j6D6UaRX78w1EJY2l4etaYCXiV5iZtMzi1IE/v6anlQOzTCXwPMHA958tHjb7EIFakQ0ON0v' +
  'QCg+8s4+LxAvyIHAnjyXEPdMedU5rbdavacExDNdjkZi2h4KnN/02gJvYJJ9FyBGd/19M12vJGbWqcUuwKRtQ++hpLOkuUaQz6Ei' +
  'WwT/VC8/cGKtWFYZq0RiJZwR5XO9oNZHBR+iHMpNtz8zbc8qYQf8oVxieI6/wSqdI2D4l00sz4AXRnNvHzYIMDHvXJt1h/qyWLPv' +
  'fDsEWqXe47XSi03mxgJPBTYoQetsbsJ/ngJ3wAu4gpLbt8RIAQDoK/jX5yINRQAACAABAOzJDoRNX2rH';

/**
 * The machine's own limits, measured in the same run as the workloads so results can be read as
 * ratios: loopback TCP copy rate, sequential disk write rate, fsync rate.
 */
import net from 'node:net';
import { closeSync, fdatasyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface MachineLimits {
  loopbackMBps: number;
  diskWriteMBps: number;
  fsyncsPerSec: number;
}

/** Streams `totalBytes` through a loopback TCP connection and times it. */
export function loopbackMBps(totalBytes = 1 << 30): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1 << 20);
    const server = net.createServer((socket) => {
      let received = 0;
      const started = process.hrtime.bigint();
      socket.on('data', (c: Buffer) => {
        received += c.length;
        if (received >= totalBytes) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          socket.destroy();
          server.close();
          resolve(totalBytes / seconds / 1e6);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const client = net.connect(port, '127.0.0.1', () => {
        let sent = 0;
        const pump = () => {
          while (sent < totalBytes) {
            sent += chunk.length;
            if (!client.write(chunk)) return client.once('drain', pump);
          }
          client.end();
        };
        pump();
      });
      client.on('error', () => undefined);
    });
    server.on('error', reject);
  });
}

/** Writes `totalBytes` sequentially in 1 MiB writes plus one final fsync. */
export function diskWriteMBps(dir: string, totalBytes = 512 << 20): number {
  const path = join(dir, 'bench-disk-write.tmp');
  const chunk = Buffer.alloc(1 << 20, 7);
  const fd = openSync(path, 'w');
  const started = process.hrtime.bigint();
  for (let written = 0; written < totalBytes; written += chunk.length) writeSync(fd, chunk);
  fdatasyncSync(fd);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(fd);
  unlinkSync(path);
  return totalBytes / seconds / 1e6;
}

/** 4 KiB append + fdatasync, repeated for `durationMs`. */
export function fsyncsPerSec(dir: string, durationMs = 1000): number {
  const path = join(dir, 'bench-fsync.tmp');
  const chunk = Buffer.alloc(4096, 1);
  const fd = openSync(path, 'w');
  const started = Date.now();
  let count = 0;
  while (Date.now() - started < durationMs) {
    writeSync(fd, chunk);
    fdatasyncSync(fd);
    count++;
  }
  const seconds = (Date.now() - started) / 1000;
  closeSync(fd);
  unlinkSync(path);
  return count / seconds;
}

export async function measureMachineLimits(dir: string): Promise<MachineLimits> {
  return { loopbackMBps: await loopbackMBps(), diskWriteMBps: diskWriteMBps(dir), fsyncsPerSec: fsyncsPerSec(dir) };
}

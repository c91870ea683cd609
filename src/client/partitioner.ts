/**
 * Partition choice. Keyed records: murmur2 of the key bytes, as the Java client's default
 * partitioner, kafkajs's DefaultPartitioner and librdkafka's murmur2_random do, so the same key
 * lands on the same partition whichever client wrote it. Null keys: sticky (stay on one partition
 * until its batch is sent, then move), like Java's built-in partitioner since KIP-480.
 */

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit int. */
export function murmur2(data: Buffer): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const fours = length >> 2;
  for (let i = 0; i < fours; i++) {
    const j = i * 4;
    let k = data[j]! | (data[j + 1]! << 8) | (data[j + 2]! << 16) | (data[j + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's Utils.toPositive(murmur2(key)) % numPartitions. */
export function partitionForKey(key: Buffer, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}

export type Partitioner = (topic: string, key: Buffer | null, numPartitions: number) => number;

/** The default: murmur2 for keys, a sticky partition per topic for null keys. */
export class DefaultPartitioner {
  private readonly sticky = new Map<string, number>();
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  partition(topic: string, key: Buffer | null, numPartitions: number): number {
    if (key !== null) return partitionForKey(key, numPartitions);
    let p = this.sticky.get(topic);
    if (p === undefined || p >= numPartitions) {
      p = Math.floor(this.random() * numPartitions);
      this.sticky.set(topic, p);
    }
    return p;
  }

  /** Called when the sticky partition's batch is closed: move null-key records elsewhere. */
  batchClosed(topic: string, partition: number, numPartitions: number): void {
    if (this.sticky.get(topic) !== partition || numPartitions <= 1) return;
    let next = Math.floor(this.random() * (numPartitions - 1));
    if (next >= partition) next++;
    this.sticky.set(topic, next);
  }
}

/**
 * Which __consumer_offsets partition owns a group: Kafka's
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`, with Java's String.hashCode
 * over UTF-16 code units, so a group lands on the same partition as in Apache Kafka.
 */

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1], in 32-bit two's complement. */
export function javaStringHashCode(s: string): number {
  let hash = 0;
  for (let i = 0; i < s.length; i++) hash = (Math.imul(hash, 31) + s.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's Utils.abs: Math.abs, except Integer.MIN_VALUE maps to 0. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionForGroup(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}

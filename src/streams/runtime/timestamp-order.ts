/**
 * The order a task processes what one poll returned: like Kafka Streams' PartitionGroup, always the
 * record with the smallest timestamp among the heads of the partitions, so event time advances as
 * evenly as the data allows; each partition's own records keep their offset order.
 */
export function inTimestampOrder<R extends { topic: string; partition: number; timestamp: number }>(records: R[]): R[] {
  const queues = new Map<string, R[]>();
  for (const r of records) {
    const k = `${r.topic}\0${r.partition}`;
    let q = queues.get(k);
    if (!q) queues.set(k, (q = []));
    q.push(r);
  }
  if (queues.size <= 1) return records;
  const heads = [...queues.values()].map((q) => ({ q, at: 0 }));
  const out: R[] = [];
  while (out.length < records.length) {
    let best: { q: R[]; at: number } | null = null;
    for (const h of heads) if (h.at < h.q.length && (!best || h.q[h.at]!.timestamp < best.q[best.at]!.timestamp)) best = h;
    out.push(best!.q[best!.at++]!);
  }
  return out;
}

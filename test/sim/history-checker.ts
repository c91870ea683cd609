/**
 * A history checker in the style of Jepsen's Kafka workload, for transactional runs.
 *
 * Input: what producers did (each transaction's values per partition and its outcome as the
 * producer saw it) and what read_committed consumers read (per partition, offsets and values in
 * the order they were delivered). Violations found:
 *   lost write       a value of an acknowledged commit is missing from the final read
 *   duplicate        a value read at two offsets
 *   aborted read     a value of an aborted transaction was read
 *   non-atomic       part of a transaction with an unknown outcome was read, part not
 *   out of order     offsets not increasing in a consumer's read, or one producer's values in a
 *                    partition not in the order it sent them
 *   inconsistent     two consumers saw different values at the same offset
 */

export type Outcome = 'committed' | 'aborted' | 'unknown';

export interface TxnRecord {
  id: string;
  outcome: Outcome;
  /** partition -> values in send order */
  writes: Map<number, string[]>;
}

export interface Read {
  partition: number;
  offset: number;
  value: string;
}

export interface History {
  txns: TxnRecord[];
  /** Each consumer's reads in delivery order. The last one is the final full read. */
  consumers: Read[][];
}

export interface Violation {
  kind: 'lost write' | 'duplicate' | 'aborted read' | 'non-atomic' | 'out of order' | 'inconsistent';
  detail: string;
}

export function checkHistory(history: History): Violation[] {
  const violations: Violation[] = [];
  const add = (kind: Violation['kind'], detail: string) => violations.length < 50 && violations.push({ kind, detail });
  const byValue = new Map<string, TxnRecord>();
  for (const t of history.txns) for (const values of t.writes.values()) for (const v of values) byValue.set(v, t);

  // What each offset holds, agreed on by every consumer.
  const atOffset = new Map<string, string>();
  for (const [c, reads] of history.consumers.entries()) {
    const lastOffset = new Map<number, number>();
    for (const r of reads) {
      const previous = lastOffset.get(r.partition) ?? -1;
      if (r.offset <= previous) add('out of order', `consumer ${c} read offset ${r.offset} after ${previous} in partition ${r.partition}`);
      lastOffset.set(r.partition, r.offset);
      const key = `${r.partition}@${r.offset}`;
      const seen = atOffset.get(key);
      if (seen !== undefined && seen !== r.value) add('inconsistent', `${key} holds ${seen} and ${r.value}`);
      atOffset.set(key, r.value);
      const txn = byValue.get(r.value);
      if (txn?.outcome === 'aborted') add('aborted read', `${r.value} (${txn.id}) read at ${key} by consumer ${c}`);
    }
  }

  const final = history.consumers.at(-1) ?? [];
  const readAt = new Map<string, Read[]>();
  for (const r of final) {
    const list = readAt.get(r.value) ?? [];
    list.push(r);
    readAt.set(r.value, list);
  }
  for (const [value, reads] of readAt) if (reads.length > 1) add('duplicate', `${value} read at offsets ${reads.map((r) => `${r.partition}@${r.offset}`).join(', ')}`);

  for (const t of history.txns) {
    const values = [...t.writes.values()].flat();
    const present = values.filter((v) => readAt.has(v)).length;
    if (t.outcome === 'committed' && present < values.length) {
      add('lost write', `${t.id}: ${values.length - present} of ${values.length} committed values missing (e.g. ${values.find((v) => !readAt.has(v))})`);
    }
    if (t.outcome === 'unknown' && present > 0 && present < values.length) add('non-atomic', `${t.id}: ${present} of ${values.length} values read`);
    for (const [partition, sent] of t.writes) {
      const offsets = sent.map((v) => readAt.get(v)?.[0]).filter((r): r is Read => r !== undefined);
      for (const r of offsets) if (r.partition !== partition) add('inconsistent', `${r.value} sent to ${partition}, read from ${r.partition}`);
      for (let i = 1; i < offsets.length; i++) {
        if (offsets[i]!.offset <= offsets[i - 1]!.offset) add('out of order', `${t.id}: ${offsets[i]!.value} before ${offsets[i - 1]!.value}`);
      }
    }
  }
  return violations;
}

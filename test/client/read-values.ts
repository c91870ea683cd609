/** Reading back what a test produced, with Brook's consumer. */
import { Consumer } from '../../src/index.js';

/**
 * Every value of the given partitions of `topic` from offset 0: polls until `atLeast` arrived (or a
 * poll of `pollTimeoutMs` returns nothing), then one short poll, so extras such as a duplicate at
 * the very end show up too.
 */
export async function readValues(
  bootstrapServers: string,
  topic: string,
  partitions: readonly number[],
  isolationLevel: 'read_committed' | 'read_uncommitted',
  atLeast: number,
  pollTimeoutMs: number,
): Promise<string[]> {
  const consumer = new Consumer({ bootstrapServers, isolationLevel });
  try {
    await consumer.assign(partitions.map((partition) => ({ topic, partition, offset: 0 })));
    const out: string[] = [];
    while (out.length < atLeast) {
      const records = await consumer.poll({ timeoutMs: pollTimeoutMs });
      if (records.length === 0) break;
      for (const r of records) out.push(r.value!.toString());
    }
    for (const r of await consumer.poll({ timeoutMs: 200 })) out.push(r.value!.toString());
    return out;
  } finally {
    await consumer.close();
  }
}

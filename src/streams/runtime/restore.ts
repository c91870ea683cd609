/** Restores a task's logged stores by reading their changelog partitions from the start to the end. */
import { Admin, Consumer } from '../../client/index.js';
import { changelogTopic } from '../stores/state-store.js';
import type { StreamTask } from '../task.js';

export async function restoreTask(
  task: StreamTask,
  admin: Admin,
  options: { bootstrapServers: string | string[]; applicationId: string; timeoutMs: number; clock: () => number; readCommitted?: boolean },
): Promise<number> {
  let restored = 0;
  for (const [name, store] of task.stores) {
    if (!store.loggingEnabled) continue;
    const topic = changelogTopic(options.applicationId, name);
    const ends = await admin.fetchTopicOffsets(topic);
    const end = ends.find((e) => e.partition === task.partition);
    if (!end || end.high <= end.low) continue;
    const consumer = new Consumer({
      bootstrapServers: options.bootstrapServers,
      clientId: `${options.applicationId}-restore`,
      autoOffsetReset: 'earliest',
      maxWaitMs: 50,
      isolationLevel: options.readCommitted ? 'read_committed' : 'read_uncommitted',
    });
    try {
      const tp = { topic, partition: task.partition };
      await consumer.assign([tp]);
      const deadline = options.clock() + options.timeoutMs;
      // Compaction leaves offset gaps, so the end is reached by position, not by record count.
      while (consumer.position(tp) < end.high) {
        if (options.clock() > deadline) throw new Error(`restoring ${topic}-${task.partition} timed out at offset ${consumer.position(tp)} of ${end.high}`);
        for (const r of await consumer.poll({ timeoutMs: 100 })) {
          if (r.offset >= end.high || r.key === null) continue;
          task.restore(name, r.key, r.value);
          restored++;
        }
      }
    } finally {
      await consumer.close();
    }
  }
  return restored;
}

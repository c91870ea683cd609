/**
 * Topic tracking (KIP-558): the topics each connector has produced to (sources) or consumed from
 * (sinks) since it was created or its set was last reset, for `GET /connectors/{name}/topics` and
 * `PUT /connectors/{name}/topics/reset`. Disabled with `topic.tracking.enable=false`; resets refused
 * with `topic.tracking.allow.reset=false`, as in Kafka.
 *
 * Standalone keeps the sets in memory. Distributed mode keeps them in `status.storage.topic`
 * (Kafka's record: key `topic-<topic>-<connector>`, value `{"topic": {"name", "connector", "task",
 * "discoverTimestamp"}}`, a null value on reset) so every worker answers for all.
 */
import { ConnectRestError } from './errors.js';

export interface TopicNote {
  name: string;
  connector: string;
  task: number;
  discoverTimestamp: number;
}

export interface ActiveTopics {
  /** Records that a task used a topic; cheap when it is already known. */
  note(connector: string, task: number, topic: string): void;
  topics(connector: string): string[];
  reset(connector: string): Promise<void>;
}

export const activeTopicKey = (topic: string, connector: string) => `topic-${topic}-${connector}`;

/** Standalone: the sets in memory. */
export class MemoryActiveTopics implements ActiveTopics {
  private readonly byConnector = new Map<string, Set<string>>();

  note(connector: string, _task: number, topic: string): void {
    let set = this.byConnector.get(connector);
    if (!set) this.byConnector.set(connector, (set = new Set()));
    set.add(topic);
  }

  topics(connector: string): string[] {
    return [...(this.byConnector.get(connector) ?? [])].sort();
  }

  async reset(connector: string): Promise<void> {
    this.byConnector.delete(connector);
  }
}

/** Where distributed mode keeps the entries: the status topic, read back by every worker. */
export interface TopicNoteLog {
  /** Entries read from the status topic, by record key. */
  readonly activeTopics: ReadonlyMap<string, TopicNote>;
  writeStatusRecord(key: string, value: { topic: TopicNote } | null): Promise<void>;
  readToEnd(): Promise<void>;
}

export class StatusTopicActiveTopics implements ActiveTopics {
  /** Written by this worker, maybe not read back yet: noted once. */
  private readonly written = new Set<string>();

  constructor(
    private readonly log: TopicNoteLog,
    private readonly clock: () => number,
    private readonly onWriteError: (err: Error) => void,
  ) {}

  note(connector: string, task: number, topic: string): void {
    const key = activeTopicKey(topic, connector);
    if (this.written.has(key) || this.log.activeTopics.has(key)) return;
    this.written.add(key);
    this.log.writeStatusRecord(key, { topic: { name: topic, connector, task, discoverTimestamp: this.clock() } }).catch((err: Error) => {
      this.written.delete(key);
      this.onWriteError(err);
    });
  }

  topics(connector: string): string[] {
    return [...this.log.activeTopics.values()].filter((n) => n.connector === connector).map((n) => n.name).sort();
  }

  async reset(connector: string): Promise<void> {
    await this.log.readToEnd();
    for (const [key, n] of this.log.activeTopics) {
      if (n.connector !== connector) continue;
      this.written.delete(key);
      await this.log.writeStatusRecord(key, null);
    }
    await this.log.readToEnd();
  }
}

/** The worker's `topic.tracking.enable` / `topic.tracking.allow.reset` switches, checked for the REST calls. */
export class TopicTrackingSettings {
  readonly enabled: boolean;
  private readonly allowReset: boolean;

  constructor(workerConfig: Record<string, string>) {
    this.enabled = (workerConfig['topic.tracking.enable'] ?? 'true') !== 'false';
    this.allowReset = (workerConfig['topic.tracking.allow.reset'] ?? 'true') !== 'false';
  }

  checkRead(): void {
    if (!this.enabled) throw new ConnectRestError(403, 'Topic tracking is disabled.');
  }

  checkReset(): void {
    this.checkRead();
    if (!this.allowReset) throw new ConnectRestError(403, 'Topic tracking reset is disabled.');
  }
}

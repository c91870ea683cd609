/**
 * One broker's connection to etcd: its lease (TTL = broker.session.timeout.ms, kept alive by the
 * etcd3 client), its registration under brokers/<id>, its controller candidacy, and the watch
 * that keeps a ClusterMetadata current. Key layout: keys.ts.
 *
 * Failure handling: etcd3 retries requests and resumes the watch from its last revision after a
 * reconnect (etcd restart). A lost lease (etcd unreachable for longer than the TTL) means the
 * registration and any controllership are gone: a new lease is granted and the broker registers
 * again, retrying until etcd answers. A watch that cannot resume (compacted revision) is replaced
 * by a full re-read.
 */
import { randomBytes } from 'node:crypto';
import { Etcd3, type Lease, type Watcher, type IKeyValue } from 'etcd3';
import type { Logger } from '../log/logger.js';
import type { BrokerEndpoint } from './contract.js';
import { CLUSTER_ID_KEY, ClusterKeys, encodeBroker } from './keys.js';
import { ClusterMetadata } from './metadata.js';

export interface EtcdSessionOptions {
  endpoints: string[];
  nodeId: number;
  sessionTimeoutMs: number;
  logger: Logger;
}

/** A batch of key changes from etcd, applied in order; `revision` is reached once it is. */
export interface KeyChange {
  key: string;
  value: Buffer | null;
  modRevision: string;
  lease: string;
}

export class EtcdSession {
  readonly client: Etcd3;
  keys!: ClusterKeys;
  metadata!: ClusterMetadata;
  /** Called (serially) with each batch of changes after metadata has applied it. */
  onChanges: (changes: KeyChange[], revision: bigint) => Promise<void> = async () => {};
  /** Called when this broker's controllership starts or ends. */
  onControllership: (active: boolean) => void = () => {};
  private lease: Lease | null = null;
  private leaseId: string | null = null;
  private watcher: Watcher | null = null;
  private endpoint: BrokerEndpoint | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private controller = false;
  private registering: Promise<void> | null = null;
  private readonly revisionWaiters = new Set<{ revision: bigint; resolve: () => void }>();
  appliedRevision = 0n;

  constructor(private readonly options: EtcdSessionOptions) {
    this.client = new Etcd3({ hosts: options.endpoints, dialTimeout: 2000 });
  }

  /** The cluster id: `configured`, else the one in etcd, else a new one written there first. */
  async resolveClusterId(configured: string | null): Promise<string> {
    const proposed = configured ?? randomBytes(16).toString('base64url');
    const result = await this.client.if(CLUSTER_ID_KEY, 'Create', '==', 0).then(this.client.put(CLUSTER_ID_KEY).value(proposed)).else(this.client.get(CLUSTER_ID_KEY)).commit();
    const clusterId = configured ?? (result.succeeded ? proposed : result.responses[0]!.response_range.kvs[0]!.value.toString());
    this.keys = new ClusterKeys(clusterId);
    this.metadata = new ClusterMetadata(this.keys);
    return clusterId;
  }

  get isController(): boolean {
    return this.controller;
  }

  get currentLeaseId(): string | null {
    return this.leaseId;
  }

  /** Reads everything, starts the watch, registers the broker and stands for controller. */
  async start(endpoint: BrokerEndpoint): Promise<void> {
    this.endpoint = endpoint;
    await this.resync();
    await this.register();
  }

  /** Resolves once every change up to `revision` has been applied locally (bounded by timeoutMs). */
  waitForRevision(revision: bigint, timeoutMs: number): Promise<boolean> {
    if (this.appliedRevision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { revision, resolve: () => (clearTimeout(timer), resolve(true)) };
      const timer = setTimeout(() => (this.revisionWaiters.delete(waiter), resolve(false)), timeoutMs);
      this.revisionWaiters.add(waiter);
    });
  }

  /**
   * Controlled shutdown, first step: revoke the lease, so the broker and its controllership
   * disappear at once and the controller moves leaderships away without waiting for the TTL.
   */
  async resign(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    this.leaseId = null;
    this.setController(false);
    if (lease) await lease.revoke().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.setController(false);
    await this.watcher?.cancel().catch(() => undefined);
    this.lease?.release();
    for (const w of this.revisionWaiters) w.resolve();
    this.client.close();
  }

  /** Full re-read of the prefix, then a watch from the next revision. */
  private async resync(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
    const response = await this.client.getAll().prefix(this.keys.prefix).exec();
    const revision = BigInt(response.header.revision);
    const seen = new Set(response.kvs.map((kv) => kv.key.toString()));
    const changes: KeyChange[] = [];
    for (const key of this.knownKeys()) if (!seen.has(key)) changes.push({ key, value: null, modRevision: '0', lease: '0' });
    // Topics before their partitions: a partition is applied locally only once its topic is open.
    const kvs = [...response.kvs].sort((a, b) => rank(this.keys, a) - rank(this.keys, b));
    for (const kv of kvs) changes.push(change(kv, false));
    this.enqueue(changes, revision);
    const watcher = await this.client.watch().prefix(this.keys.prefix).startRevision(String(revision + 1n)).create();
    this.watcher = watcher;
    watcher.on('data', (res) => {
      if (res.events.length === 0) return;
      this.enqueue(
        res.events.map((ev) => change(ev.kv, ev.type === 'Delete')),
        BigInt(res.header.revision),
      );
    });
    watcher.on('error', (err) => {
      if (this.closed) return;
      this.options.logger.warn({ err: String(err) }, 'etcd watch failed; re-reading the cluster metadata');
      void this.retry(() => this.resync());
    });
    watcher.on('disconnected', () => this.options.logger.warn('etcd watch disconnected; etcd3 reconnects and resumes it'));
  }

  private enqueue(changes: KeyChange[], revision: bigint): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      for (const c of changes) {
        this.metadata.apply(c.key, c.value, c.modRevision);
        if (c.key === this.keys.controller) this.setController(c.value !== null && this.leaseId !== null && c.lease === this.leaseId);
      }
      if (revision > this.metadata.revision) this.metadata.revision = revision;
      try {
        await this.onChanges(changes, revision);
      } catch (err) {
        this.options.logger.error({ err: String(err) }, 'applying cluster metadata failed');
      }
      if (revision > this.appliedRevision) this.appliedRevision = revision;
      for (const w of this.revisionWaiters) {
        if (w.revision <= this.appliedRevision) {
          this.revisionWaiters.delete(w);
          w.resolve();
        }
      }
      if (this.controllerVacant()) void this.campaign();
    });
  }

  private knownKeys(): string[] {
    const m = this.metadata;
    const out: string[] = [];
    if (m.controllerId !== -1) out.push(this.keys.controller);
    for (const id of m.brokers.keys()) out.push(this.keys.broker(id));
    for (const name of m.topics.keys()) out.push(this.keys.topic(name));
    for (const [topic, byIndex] of m.partitions) for (const p of byIndex.keys()) out.push(this.keys.partition(topic, p));
    return out;
  }

  /** Grants a lease and registers brokers/<id> once no other lease holds it (a previous life's expires). */
  private register(): Promise<void> {
    this.registering ??= this.retry(async () => {
      const lease = this.client.lease(Math.max(1, Math.ceil(this.options.sessionTimeoutMs / 1000)));
      lease.on('lost', (err) => {
        if (this.closed || this.lease !== lease) return;
        this.options.logger.warn({ err: String(err) }, 'etcd lease lost; registering again');
        this.lease = null;
        this.leaseId = null;
        this.setController(false);
        void this.register();
      });
      const leaseId = await lease.grant();
      const key = this.keys.broker(this.options.nodeId);
      const deadline = Date.now() + this.options.sessionTimeoutMs * 3 + 10_000;
      for (;;) {
        const result = await this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(encodeBroker(this.endpoint!)).lease(leaseId)).commit();
        if (result.succeeded) break;
        if (Date.now() > deadline) throw new Error(`broker id ${this.options.nodeId} is registered by another live broker`);
        this.options.logger.info({ nodeId: this.options.nodeId }, 'waiting for the previous registration of this broker id to expire');
        await sleep(Math.min(1000, this.options.sessionTimeoutMs / 4));
      }
      this.lease = lease;
      this.leaseId = leaseId;
      this.options.logger.info({ nodeId: this.options.nodeId, leaseId }, 'registered in etcd');
      await this.campaign();
    }).finally(() => (this.registering = null));
    return this.registering;
  }

  private controllerVacant(): boolean {
    return !this.closed && this.leaseId !== null && this.metadata.controllerId === -1;
  }

  /** Stands for controller: creates the controller key with our lease if nobody holds it. */
  private async campaign(): Promise<void> {
    const leaseId = this.leaseId;
    if (this.closed || leaseId === null) return;
    const key = this.keys.controller;
    try {
      const value = JSON.stringify({ nodeId: this.options.nodeId });
      const result = await this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(value).lease(leaseId)).commit();
      if (result.succeeded) this.options.logger.info({ nodeId: this.options.nodeId }, 'elected controller');
    } catch (err) {
      this.options.logger.warn({ err: String(err) }, 'controller campaign failed');
    }
  }

  private setController(active: boolean): void {
    if (active === this.controller) return;
    this.controller = active;
    this.onControllership(active);
  }

  /** Runs `task` until it succeeds or the session closes, backing off up to 2 s. */
  private async retry(task: () => Promise<void>): Promise<void> {
    for (let delayMs = 100; !this.closed; delayMs = Math.min(2000, delayMs * 2)) {
      try {
        await task();
        return;
      } catch (err) {
        if (this.closed) return;
        this.options.logger.warn({ err: String(err) }, 'etcd request failed; retrying');
        await sleep(delayMs);
      }
    }
  }
}

function change(kv: IKeyValue, deleted: boolean): KeyChange {
  return { key: kv.key.toString(), value: deleted ? null : kv.value, modRevision: kv.mod_revision, lease: kv.lease };
}

function rank(keys: ClusterKeys, kv: IKeyValue): number {
  const kind = keys.parse(kv.key.toString())?.kind;
  return kind === 'broker' ? 0 : kind === 'controller' ? 1 : kind === 'topic' ? 2 : 3;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

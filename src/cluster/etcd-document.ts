/**
 * A security document (ACLs, see src/security/document-store.ts) kept as one etcd key of the
 * cluster (layout in keys.ts), so that a change answered by any broker applies on every broker.
 * Updates are compare-and-swap on the key's mod revision, retried on a newer value; each broker
 * watches the key and hands every newer value to its store. Revisions already seen (our own
 * writes, or a re-read) are skipped so the store never steps back to an older set.
 */
import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from '../log/logger.js';
import type { DocumentStore } from '../security/document-store.js';

const RETRY_DELAY_MS = 500;

export class EtcdDocument implements DocumentStore {
  /** The newest mod revision of the key handed out (read, written or watched). */
  private seenRevision = 0n;
  private watcher: Watcher | null = null;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  async read(): Promise<string | null> {
    const response = await this.client.get(this.key).exec();
    const kv = response.kvs[0];
    this.seen(BigInt(kv?.mod_revision ?? response.header.revision));
    return kv ? kv.value.toString() : null;
  }

  async update(change: (current: string | null) => string): Promise<boolean> {
    for (;;) {
      const response = await this.client.get(this.key).exec();
      const kv = response.kvs[0];
      const next = change(kv ? kv.value.toString() : null);
      const guard = kv ? this.client.if(this.key, 'Mod', '==', kv.mod_revision) : this.client.if(this.key, 'Create', '==', 0);
      const result = await guard.then(this.client.put(this.key).value(next)).commit();
      if (result.succeeded) {
        const revision = BigInt(result.header.revision);
        // The watch may already have handed over a later write of another broker.
        if (this.seenRevision > revision) return false;
        this.seen(revision);
        return true;
      }
      // Another broker wrote first: apply the change again to its value.
    }
  }

  watch(onChange: (text: string | null) => void): void {
    void this.follow(onChange);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.watcher?.cancel().catch(() => undefined);
    this.watcher = null;
  }

  /** Watches from the revision after the last one seen; re-reads and watches again if the watch fails. */
  private async follow(onChange: (text: string | null) => void): Promise<void> {
    if (this.closed) return;
    try {
      const watcher = await this.client.watch().key(this.key).startRevision(String(this.seenRevision + 1n)).create();
      if (this.closed) {
        await watcher.cancel();
        return;
      }
      this.watcher = watcher;
      watcher.on('put', (kv) => this.deliver(BigInt(kv.mod_revision), kv.value.toString(), onChange));
      watcher.on('delete', (kv) => this.deliver(BigInt(kv.mod_revision), null, onChange));
      watcher.on('error', (err) => {
        if (this.closed) return;
        this.logger.warn({ key: this.key, err: String(err) }, 'etcd watch failed; re-reading');
        void this.resync(onChange);
      });
    } catch (err) {
      if (this.closed) return;
      this.logger.warn({ key: this.key, err: String(err) }, 'etcd watch could not start; retrying');
      setTimeout(() => void this.resync(onChange), RETRY_DELAY_MS).unref();
    }
  }

  private async resync(onChange: (text: string | null) => void): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
    this.watcher = null;
    try {
      const response = await this.client.get(this.key).exec();
      const kv = response.kvs[0];
      this.deliver(BigInt(kv?.mod_revision ?? response.header.revision), kv ? kv.value.toString() : null, onChange);
    } catch (err) {
      if (this.closed) return;
      this.logger.warn({ key: this.key, err: String(err) }, 'etcd read failed; retrying');
      setTimeout(() => void this.resync(onChange), RETRY_DELAY_MS).unref();
      return;
    }
    await this.follow(onChange);
  }

  private deliver(revision: bigint, text: string | null, onChange: (text: string | null) => void): void {
    if (this.closed || revision <= this.seenRevision) return;
    this.seen(revision);
    try {
      onChange(text);
    } catch (err) {
      this.logger.error({ key: this.key, err: String(err) }, 'ignoring a stored value this version cannot read');
    }
  }

  private seen(revision: bigint): void {
    if (revision > this.seenRevision) this.seenRevision = revision;
  }
}

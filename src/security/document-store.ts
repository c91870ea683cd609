/**
 * Where a security state document (ACLs; one JSON text holding the whole set) is kept: a file in
 * the data dir (`FileDocument`, single-node mode) or an etcd key shared by every broker
 * (`EtcdDocument` in src/cluster/etcd-document.ts, cluster mode). The stores (acl-store.ts) parse
 * and index the text; this interface only reads, replaces and watches it.
 */
import { readIfExists, SerialWriter } from './atomic-file.js';

export interface DocumentStore {
  /** The stored text, or null when there is none yet. */
  read(): Promise<string | null>;
  /**
   * Replaces the text with `change(current)`, atomically against other writers (serialised here;
   * compare-and-swap in etcd, where `change` may run again on a newer text); resolves once durable,
   * with false when a newer text (another writer's) has already been handed to `watch`: the caller
   * then keeps that one rather than stepping back to its own.
   */
  update(change: (current: string | null) => string): Promise<boolean>;
  /** Calls `onChange` with the new text whenever another writer (another broker) replaces it. */
  watch(onChange: (text: string | null) => void): void;
  close(): Promise<void>;
}

/** A document in one file (`path` null: in memory only), replaced atomically on every update. */
export class FileDocument implements DocumentStore {
  private current: string | null = null;
  private readonly writer: SerialWriter;

  constructor(private readonly path: string | null) {
    this.writer = new SerialWriter(path);
  }

  async read(): Promise<string | null> {
    if (this.path !== null) this.current = await readIfExists(this.path);
    return this.current;
  }

  async update(change: (current: string | null) => string): Promise<boolean> {
    // Applied at once so that concurrent updates chain; the writer serialises the file writes.
    this.current = change(this.current);
    await this.writer.write(this.current);
    return true;
  }

  watch(): void {
    // Nobody else writes the file.
  }

  async close(): Promise<void> {}
}

/**
 * Source offsets for standalone mode, in one local file (offset.storage.file.filename).
 *
 * Format: JSON `{"version":1,"offsets":[{"key":[connector, partition], "offset": {...}}, ...]}`,
 * the key shaped as Kafka's (connector name + source partition). Written to `<file>.tmp`,
 * fsynced and renamed, so a crash leaves either the old or the new file.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { SourceOffset, SourcePartition } from '../api.js';

export interface OffsetEntry {
  partition: SourcePartition;
  offset: SourceOffset;
}

export interface OffsetChangeEntry {
  partition: SourcePartition;
  offset: SourceOffset | null;
}

export interface OffsetStore {
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  /** Every stored offset of a connector. */
  list(connector: string): OffsetEntry[];
  /** Records offsets (a null offset forgets the partition); durable once flush() resolves. */
  set(connector: string, entries: OffsetChangeEntry[]): void;
  remove(connector: string): void;
  flush(): Promise<void>;
}

/** Stable JSON (sorted keys), so equal partitions map to the same entry. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export class MemoryOffsetStore implements OffsetStore {
  protected readonly data = new Map<string, { connector: string; partition: SourcePartition; offset: SourceOffset }>();

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.data.get(stableJson([connector, partition]))?.offset ?? null;
  }
  list(connector: string): OffsetEntry[] {
    return [...this.data.values()].filter((e) => e.connector === connector).map(({ partition, offset }) => ({ partition, offset }));
  }
  set(connector: string, entries: OffsetChangeEntry[]): void {
    for (const { partition, offset } of entries) {
      const k = stableJson([connector, partition]);
      if (offset === null) this.data.delete(k);
      else this.data.set(k, { connector, partition, offset });
    }
  }
  remove(connector: string): void {
    for (const [k, e] of this.data) if (e.connector === connector) this.data.delete(k);
  }
  async flush(): Promise<void> {}
}

export class FileOffsetStore extends MemoryOffsetStore {
  private dirty = false;
  constructor(private readonly path: string) {
    super();
    if (!existsSync(path)) return;
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { offsets: Array<{ key: [string, SourcePartition]; offset: SourceOffset }> };
    for (const e of doc.offsets) super.set(e.key[0], [{ partition: e.key[1], offset: e.offset }]);
  }

  override set(connector: string, entries: OffsetChangeEntry[]): void {
    super.set(connector, entries);
    if (entries.length > 0) this.dirty = true;
  }

  override remove(connector: string): void {
    super.remove(connector);
    this.dirty = true;
  }

  override async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const offsets = [...this.data.values()].map((e) => ({ key: [e.connector, e.partition], offset: e.offset }));
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ version: 1, offsets }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}

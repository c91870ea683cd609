/**
 * Producer id allocation that survives restarts. Ids are handed out from blocks of
 * `blockSize`; before the first id of a block is used, the start of the next block is persisted
 * (the role of KRaft's ProducerIdsRecord), so after a crash allocation resumes past every id
 * that could have been given out. Allocations are serialised.
 *
 * `<data dir>/producer-id-block` (fileProducerIdStore) holds that next block start as decimal
 * text and a newline, replaced atomically (temp file, fsync, rename, fsync of the dir). It is a
 * plain file of the data dir, not a record of __transaction_state, so idempotent producers never
 * create that topic. Data dirs written before it kept the counter in
 * `__transaction_state-0/producer-id-block`: that file is read when the new one is missing.
 */
import * as path from 'node:path';
import { readTextIfExists, writeFileAtomic } from '../storage/file/atomic-file.js';
import { nodeFileOps } from '../storage/file/fs-ops.js';

export const PRODUCER_ID_BLOCK_FILE = 'producer-id-block';

export interface ProducerIdStore {
  /** The persisted next block start, or null on a new broker. */
  load(): Promise<number | null>;
  /** Durably records that ids below `nextBlockStart` may have been used. */
  save(nextBlockStart: number): Promise<void>;
}

/**
 * Cluster mode: whole blocks claimed from a counter every broker shares (src/cluster keeps it in
 * etcd), so two brokers never hand out the same id. Returns the first id of the claimed block.
 */
export interface ProducerIdBlocks {
  claim(blockSize: number): Promise<number>;
}

/** Kafka allocates producer ids from 0; a block of 1000 at a time by default. */
export class ProducerIdManager {
  private next = 0;
  private blockEnd = 0;
  private loaded = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ProducerIdStore | ProducerIdBlocks,
    private readonly blockSize: number,
  ) {}

  allocate(): Promise<number> {
    const result = this.chain.then(() => this.allocateNow());
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async allocateNow(): Promise<number> {
    if ('claim' in this.store) {
      if (this.next >= this.blockEnd) {
        this.next = await this.store.claim(this.blockSize);
        this.blockEnd = this.next + this.blockSize;
      }
      return this.next++;
    }
    if (!this.loaded) {
      const stored = await this.store.load();
      this.next = stored ?? 0;
      this.blockEnd = this.next;
      this.loaded = true;
    }
    if (this.next >= this.blockEnd) {
      const end = this.next + this.blockSize;
      await this.store.save(end);
      this.blockEnd = end;
    }
    return this.next++;
  }
}

/**
 * The block counter in `<dataDir>/producer-id-block`. `legacy` reads the counter an older data dir
 * kept elsewhere (null if none); it is asked only while the file does not exist yet.
 */
export function fileProducerIdStore(dataDir: string, legacy: () => Promise<Buffer | null> = async () => null): ProducerIdStore {
  const file = path.join(dataDir, PRODUCER_ID_BLOCK_FILE);
  return {
    async load() {
      const text = (await readTextIfExists(file)) ?? (await legacy())?.toString('utf8') ?? null;
      return text === null ? null : parseBlockStart(text);
    },
    async save(nextBlockStart) {
      await writeFileAtomic(nodeFileOps, file, `${nextBlockStart}\n`);
    },
  };
}

/** A store without a data dir (the memory store): ids need only be unique while it lives. */
export function memoryProducerIdStore(): ProducerIdStore {
  let saved: number | null = null;
  return {
    load: async () => saved,
    save: async (nextBlockStart) => {
      saved = nextBlockStart;
    },
  };
}

function parseBlockStart(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 0) throw new Error(`producer id block file holds ${JSON.stringify(text)}`);
  return value;
}

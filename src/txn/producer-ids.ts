/**
 * Producer id allocation that survives restarts. Ids are handed out from blocks of
 * `blockSize`; before the first id of a block is used, the start of the next block is persisted
 * (the role of KRaft's ProducerIdsRecord), so after a crash allocation resumes past every id
 * that could have been given out. Allocations are serialised.
 */

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

/** Stores the block counter in a state file ("producer-id-block", decimal text). */
export function stateFileProducerIdStore(file: () => Promise<{ read(): Promise<Buffer | null>; write(data: Buffer): Promise<void> }>): ProducerIdStore {
  return {
    async load() {
      const bytes = await (await file()).read();
      if (!bytes) return null;
      const value = Number(bytes.toString('utf8').trim());
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`producer id block file holds ${JSON.stringify(bytes.toString('utf8'))}`);
      return value;
    },
    async save(nextBlockStart) {
      await (await file()).write(Buffer.from(`${nextBlockStart}\n`));
    },
  };
}

/**
 * Serdes: how keys and values become record bytes and back. null always maps to null (tombstones),
 * so every serde only handles real values.
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null;
  deserialize(topic: string, data: Buffer | null): T | null;
}

/** A user-defined serde from two functions on non-null values. */
export function serdeFrom<T>(serialize: (data: T, topic: string) => Buffer, deserialize: (data: Buffer, topic: string) => T): Serde<T> {
  return {
    serialize: (topic, data) => (data === null || data === undefined ? null : serialize(data, topic)),
    deserialize: (topic, data) => (data === null ? null : deserialize(data, topic)),
  };
}

const stringSerde = serdeFrom<string>((s) => Buffer.from(s, 'utf8'), (b) => b.toString('utf8'));

const bytesSerde = serdeFrom<Buffer>((b) => b, (b) => b);

/** 4-byte big-endian signed integer, like Kafka's IntegerSerde. */
const int32Serde = serdeFrom<number>(
  (n) => {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(n);
    return b;
  },
  (b) => {
    if (b.length !== 4) throw new TypeError(`int32 serde expects 4 bytes, got ${b.length}`);
    return b.readInt32BE(0);
  },
);

/** 8-byte big-endian signed integer, like Kafka's LongSerde; values must be safe integers. */
const int64Serde = serdeFrom<number>(
  (n) => {
    if (!Number.isSafeInteger(n)) throw new TypeError(`int64 serde needs a safe integer, got ${n}`);
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(n));
    return b;
  },
  (b) => {
    if (b.length !== 8) throw new TypeError(`int64 serde expects 8 bytes, got ${b.length}`);
    return Number(b.readBigInt64BE(0));
  },
);

/** 8-byte IEEE 754 double, like Kafka's DoubleSerde. */
const doubleSerde = serdeFrom<number>(
  (n) => {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(n);
    return b;
  },
  (b) => {
    if (b.length !== 8) throw new TypeError(`double serde expects 8 bytes, got ${b.length}`);
    return b.readDoubleBE(0);
  },
);

export const Serdes = {
  string: (): Serde<string> => stringSerde,
  bytes: (): Serde<Buffer> => bytesSerde,
  int32: (): Serde<number> => int32Serde,
  int64: (): Serde<number> => int64Serde,
  double: (): Serde<number> => doubleSerde,
  /** UTF-8 JSON. The type parameter is trusted, not checked. */
  json: <T>(): Serde<T> => serdeFrom<T>((v) => Buffer.from(JSON.stringify(v), 'utf8'), (b) => JSON.parse(b.toString('utf8')) as T),
  from: serdeFrom,
};

/**
 * Foreign-key table-table join (KTable.join/leftJoin(other, foreignKeyExtractor, joiner)), in the
 * shape of Kafka's: subscriptions and responses travel through two internal topics, so the left
 * row (partitioned by its key K) and the right row (partitioned by the foreign key KO) meet
 * whatever partitions they live on.
 *
 *   left change ──SEND──> <name>-subscription-registration-topic (key KO) ──RECEIVE──┐
 *   right change ──────────────────────────────────────────────────────── OTHER ──┤ subscription store (by KO)
 *                                                                                  v
 *   result table <──RESOLVE── <name>-subscription-response-topic (key K) <─────────┘
 *
 * SEND subscribes the left key to its row's foreign key (and unsubscribes it from the previous
 * one); RECEIVE records the subscription and answers with the right row's current value; OTHER
 * answers every subscriber of a right row when it changes. Each subscription and response carries
 * a hash of the left value it was made for: RESOLVE drops responses whose hash no longer matches
 * the left row's current value (an update overtook them), then joins. Left deletes and rows
 * without a foreign key are resolved at once by SEND.
 *
 * Simplification against Kafka: one sub-topology, so both tables must be co-partitioned (same
 * partition count, checked at start) and the right table's key serde must give the bytes its
 * topic is keyed by. The subscription store holds, per foreign key, every subscriber with its hash.
 *
 * Internal topic value formats (read only by this application):
 * - subscription: 1 byte (1 subscribe, 0 unsubscribe), 16-byte MD5 of the left value's bytes
 *   (zeros when unsubscribing), then the left key's bytes.
 * - response: 16-byte hash, 1 byte (1: a right value follows), then the right value's bytes.
 * Subscription store values: JSON object of left key bytes (hex) -> hash (hex).
 */
import { createHash } from 'node:crypto';
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, StreamRecord } from '../record.js';
import { Serdes, type Serde } from '../serdes.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import { keyValueStoreBuilder } from '../stores/key-value-store.js';
import type { InternalBuilder } from './internal-builder.js';
import type { ValueGetterSupplier } from './joins.js';
import { keyValueStoreFor, type Materialized } from './options.js';

const HASH_BYTES = 16;
const NO_HASH = Buffer.alloc(HASH_BYTES);

interface Subscription {
  subscribe: boolean;
  hash: Buffer;
  leftKey: Buffer;
}

interface Response {
  hash: Buffer;
  rightValue: Buffer | null;
}

const subscriptionSerde: Serde<Subscription> = Serdes.from<Subscription>(
  (s) => Buffer.concat([Buffer.of(s.subscribe ? 1 : 0), s.hash, s.leftKey]),
  (b) => ({ subscribe: b[0] === 1, hash: b.subarray(1, 1 + HASH_BYTES), leftKey: b.subarray(1 + HASH_BYTES) }),
);

const responseSerde: Serde<Response> = Serdes.from<Response>(
  (r) => Buffer.concat([r.hash, Buffer.of(r.rightValue ? 1 : 0), r.rightValue ?? Buffer.alloc(0)]),
  (b) => ({ hash: b.subarray(0, HASH_BYTES), rightValue: b[HASH_BYTES] === 1 ? b.subarray(HASH_BYTES + 1) : null }),
);

type Subscribers = Record<string, string>;

function hashOf(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

export interface FkJoinSpec<K, V, KO, VO, VR> {
  kind: 'inner' | 'left';
  leftNode: string;
  leftKeySerde: Serde<K>;
  leftValueSerde: Serde<V>;
  leftGetter: ValueGetterSupplier<K, V>;
  rightNode: string;
  rightKeySerde: Serde<KO>;
  rightValueSerde: Serde<VO>;
  rightGetter: ValueGetterSupplier<KO, VO>;
  extractor: (value: V) => KO | null;
  joiner: (value: V, otherValue: VO | null) => VR;
  materialized: Materialized<K, VR>;
}

/** Wires the join into the topology; returns the result node and its store. */
export function buildFkJoin<K, V, KO, VO, VR>(builder: InternalBuilder, spec: FkJoinSpec<K, V, KO, VO, VR>): { node: string; storeName: string } {
  const topology = builder.topology;
  topology.requiresCopartitioning = true;
  const base = builder.newName('KTABLE-FK-JOIN');
  const subscriptionTopic = `${base}-subscription-registration-topic`;
  const responseTopic = `${base}-subscription-response-topic`;
  const subscriptionStore = `${base}-SUBSCRIPTION-STATE-STORE`;
  const resultStore = spec.materialized.storeName ?? builder.newStoreName('KTABLE-FK-JOIN-OUTPUT');
  const names = {
    send: `${base}-SUBSCRIPTION-SEND`,
    subscriptionSink: `${base}-SUBSCRIPTION-SINK`,
    subscriptionSource: `${base}-SUBSCRIPTION-SOURCE`,
    receive: `${base}-SUBSCRIPTION-RECEIVE`,
    other: `${base}-OTHER`,
    responseSink: `${base}-RESPONSE-SINK`,
    responseSource: `${base}-RESPONSE-SOURCE`,
    resolve: `${base}-RESOLVE`,
    output: `${base}-OUTPUT`,
  };
  for (const t of [subscriptionTopic, responseTopic]) topology.internalTopics.add(t);

  topology.addProcessor(names.send, sendSupplier(spec, resultStore, names.subscriptionSink, names.output), spec.leftNode);
  topology.addSink(names.subscriptionSink, subscriptionTopic, spec.rightKeySerde, subscriptionSerde, names.send);
  topology.addSource(names.subscriptionSource, subscriptionTopic, spec.rightKeySerde, subscriptionSerde);
  topology.addProcessor(names.receive, receiveSupplier(spec, subscriptionStore), names.subscriptionSource);
  topology.addProcessor(names.other, otherSupplier(spec, subscriptionStore), spec.rightNode);
  topology.addStateStore(keyValueStoreBuilder(subscriptionStore, spec.rightKeySerde, Serdes.json<Subscribers>()), names.receive, names.other);
  if (spec.rightGetter.stores.length > 0) topology.connectProcessorAndStateStores(names.receive, ...spec.rightGetter.stores);
  topology.addSink(names.responseSink, responseTopic, spec.leftKeySerde, responseSerde, names.receive, names.other);
  topology.addSource(names.responseSource, responseTopic, spec.leftKeySerde, responseSerde);
  topology.addProcessor(names.resolve, resolveSupplier(spec, resultStore), names.responseSource);
  if (spec.leftGetter.stores.length > 0) topology.connectProcessorAndStateStores(names.resolve, ...spec.leftGetter.stores);
  const resultValueSerde = spec.materialized.valueSerde ?? Serdes.json<VR>();
  topology.addStateStore(keyValueStoreFor(resultStore, spec.leftKeySerde, resultValueSerde, spec.materialized), names.send, names.resolve);
  topology.addProcessor(names.output, (): Processor<K, Change<VR>> => {
    let context!: ProcessorContext<K, Change<VR>>;
    return { init: (ctx) => void (context = ctx), process: (r) => context.forward(r) };
  }, names.send, names.resolve);
  return { node: names.output, storeName: resultStore };
}

/** Writes a result row and forwards the change (nothing when the row stays absent). */
function emit<K, VR>(context: ProcessorContext<K, Change<VR>>, store: KeyValueStore<K, VR>, key: K, newValue: VR | null, r: StreamRecord<unknown, unknown>, childName?: string): void {
  const oldValue = store.get(key);
  if (newValue === null && oldValue === null) return;
  store.put(key, newValue, r.timestampMs);
  context.forward({ key, value: { newValue, oldValue }, timestampMs: r.timestampMs, headers: r.headers }, childName);
}

function sendSupplier<K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>, resultStore: string, sinkName: string, outputName: string): ProcessorSupplier<K, Change<V>, unknown, unknown> {
  return (): Processor<K, Change<V>, unknown, unknown> => {
    let context!: ProcessorContext<unknown, unknown>;
    let store!: KeyValueStore<K, VR>;
    const fkBytes = (fk: KO) => spec.rightKeySerde.serialize('', fk) ?? Buffer.alloc(0);
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<KeyValueStore<K, VR>>(resultStore);
      },
      process(r: StreamRecord<K, Change<V>>) {
        const { newValue, oldValue } = r.value;
        const newFk = newValue === null ? null : spec.extractor(newValue);
        const oldFk = oldValue === null ? null : spec.extractor(oldValue);
        const leftKey = spec.leftKeySerde.serialize('', r.key) ?? Buffer.alloc(0);
        const subscribe = (fk: KO, s: Subscription) => context.forward({ key: fk, value: s, timestampMs: r.timestampMs, headers: r.headers }, sinkName);
        const hasNewFk = newFk !== null && newFk !== undefined;
        if (oldFk !== null && oldFk !== undefined && (!hasNewFk || !fkBytes(oldFk).equals(fkBytes(newFk)))) {
          subscribe(oldFk, { subscribe: false, hash: NO_HASH, leftKey });
        }
        if (hasNewFk) {
          subscribe(newFk, { subscribe: true, hash: hashOf(spec.leftValueSerde.serialize('', newValue) ?? Buffer.alloc(0)), leftKey });
          return;
        }
        // No right row can match: resolved here rather than by a round trip.
        const result = newValue === null || spec.kind === 'inner' ? null : spec.joiner(newValue, null);
        emit(context as ProcessorContext<K, Change<VR>>, store, r.key, result, r, outputName);
      },
    };
  };
}

function receiveSupplier<K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>, subscriptionStore: string): ProcessorSupplier<KO, Subscription, K, Response> {
  return (): Processor<KO, Subscription, K, Response> => {
    let context!: ProcessorContext<K, Response>;
    let store!: KeyValueStore<KO, Subscribers>;
    const right = spec.rightGetter.get();
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<KeyValueStore<KO, Subscribers>>(subscriptionStore);
        right.init(ctx as ProcessorContext<unknown, unknown>);
      },
      process(r: StreamRecord<KO, Subscription>) {
        const subscribers = { ...(store.get(r.key) ?? {}) };
        const leftKeyHex = r.value.leftKey.toString('hex');
        if (!r.value.subscribe) {
          delete subscribers[leftKeyHex];
          store.put(r.key, Object.keys(subscribers).length === 0 ? null : subscribers, r.timestampMs);
          return;
        }
        subscribers[leftKeyHex] = r.value.hash.toString('hex');
        store.put(r.key, subscribers, r.timestampMs);
        const rightValue = right.get(r.key);
        const bytes = rightValue === null ? null : spec.rightValueSerde.serialize('', rightValue);
        context.forward({ key: leftKeyOf(spec, r.value.leftKey), value: { hash: r.value.hash, rightValue: bytes }, timestampMs: r.timestampMs, headers: r.headers });
      },
    };
  };
}

/** Subscriptions carry the left key as bytes; processors forward it typed (the sink serializes it again). */
function leftKeyOf<K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>, bytes: Buffer): K {
  return spec.leftKeySerde.deserialize('', bytes) as K;
}

function otherSupplier<K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>, subscriptionStore: string): ProcessorSupplier<KO, Change<VO>, K, Response> {
  return (): Processor<KO, Change<VO>, K, Response> => {
    let context!: ProcessorContext<K, Response>;
    let store!: KeyValueStore<KO, Subscribers>;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<KeyValueStore<KO, Subscribers>>(subscriptionStore);
      },
      process(r: StreamRecord<KO, Change<VO>>) {
        if (r.key === null || r.key === undefined) return;
        const subscribers = store.get(r.key);
        if (!subscribers) return;
        const bytes = r.value.newValue === null ? null : spec.rightValueSerde.serialize('', r.value.newValue);
        for (const [leftKeyHex, hashHex] of Object.entries(subscribers)) {
          const key = leftKeyOf(spec, Buffer.from(leftKeyHex, 'hex'));
          context.forward({ key, value: { hash: Buffer.from(hashHex, 'hex'), rightValue: bytes }, timestampMs: r.timestampMs, headers: r.headers });
        }
      },
    };
  };
}

function resolveSupplier<K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>, resultStore: string): ProcessorSupplier<K, Response, K, Change<VR>> {
  return (): Processor<K, Response, K, Change<VR>> => {
    let context!: ProcessorContext<K, Change<VR>>;
    let store!: KeyValueStore<K, VR>;
    const left = spec.leftGetter.get();
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<KeyValueStore<K, VR>>(resultStore);
        left.init(ctx as ProcessorContext<unknown, unknown>);
      },
      process(r: StreamRecord<K, Response>) {
        const leftValue = left.get(r.key);
        // Made for a left value that has since changed or gone: a newer response is on its way.
        if (leftValue === null || !hashOf(spec.leftValueSerde.serialize('', leftValue) ?? Buffer.alloc(0)).equals(r.value.hash)) {
          context.recordDropped('stale foreign-key join response');
          return;
        }
        const rightValue = r.value.rightValue === null ? null : spec.rightValueSerde.deserialize('', r.value.rightValue);
        const result = rightValue === null && spec.kind === 'inner' ? null : spec.joiner(leftValue, rightValue);
        emit(context, store, r.key, result, r);
      },
    };
  };
}

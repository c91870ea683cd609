/** Deterministic harness for the group coordinator: a manual clock + scheduler and a fake log. */
import { GroupCoordinator } from '../../src/group/group-coordinator.js';
import type { GroupLog, TxnProducer } from '../../src/group/group-log.js';
import type { CoordinatorRecord } from '../../src/group/records.js';
import type { Scheduler, Timer } from '../../src/group/scheduler.js';
import { groupSettingsFromConfig, type GroupLimits, type GroupSettings } from '../../src/group/settings.js';
import { parseBrokerConfig } from '../../src/config/broker-config.js';
import { createLogger } from '../../src/log/logger.js';
import type { JoinRequest } from '../../src/group/membership.js';
import type { JoinResult } from '../../src/group/member.js';
import { KafkaError, ErrorCode } from '../../src/protocol/errors.js';

interface Pending {
  dueMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Timers that fire only when the test advances the clock, in deadline (then creation) order. */
export class ManualScheduler implements Scheduler {
  nowMs = 1_000_000;
  private seq = 0;
  private timers: Pending[] = [];

  readonly clock = (): number => this.nowMs;

  schedule(delayMs: number, fn: () => void): Timer {
    const timer: Pending = { dueMs: this.nowMs + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  get pendingCount(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward, firing every timer due on the way (including ones they schedule). */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq)[0];
      if (!due) break;
      this.nowMs = Math.max(this.nowMs, due.dueMs);
      due.cancelled = true;
      due.fn();
    }
    this.nowMs = target;
  }
}

/** Records every append; appends succeed at once unless `failing` or `held`. */
export class FakeLog implements GroupLog {
  readonly appended: { partition: number; records: CoordinatorRecord[]; txn?: TxnProducer }[] = [];
  failing = false;
  /** When set, appends wait until release() is called. */
  hold = false;
  private held: (() => void)[] = [];

  append(partition: number, records: CoordinatorRecord[], txn?: TxnProducer): Promise<void> {
    if (this.failing) return Promise.reject(new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, 'disk gone'));
    this.appended.push({ partition, records, ...(txn ? { txn } : {}) });
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const resolve of held) resolve();
  }

  /** Every record in append order, for replaying into a fresh coordinator. */
  allRecords(): CoordinatorRecord[] {
    return this.appended.flatMap((a) => a.records);
  }
}

export function testSettings(overrides: Record<string, string> = {}, limits: Partial<GroupLimits> = {}): GroupSettings {
  const config = parseBrokerConfig({
    'group.initial.rebalance.delay.ms': '0',
    'group.min.session.timeout.ms': '1000',
    'offsets.topic.num.partitions': '5',
    ...overrides,
  }).config;
  return groupSettingsFromConfig(config, limits);
}

export interface Harness {
  coordinator: GroupCoordinator;
  scheduler: ManualScheduler;
  log: FakeLog;
  topics: Map<string, number>;
}

export function harness(overrides: Record<string, string> = {}, limits: Partial<GroupLimits> = {}, log = new FakeLog(), scheduler = new ManualScheduler()): Harness {
  const topics = new Map<string, number>([['t', 4], ['u', 2]]);
  let uuid = 0;
  const coordinator = new GroupCoordinator({
    settings: testSettings(overrides, limits),
    log,
    logger: createLogger({ level: 'silent' }),
    numPartitions: () => 5,
    partitionExists: (topic, partition) => partition >= 0 && partition < (topics.get(topic) ?? 0),
    clock: scheduler.clock,
    scheduler,
    newUuid: () => `uuid-${++uuid}`,
  });
  return { coordinator, scheduler, log, topics };
}

/** Lets promise continuations (resolved appends, parked responses) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function joinRequest(groupId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId,
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    requireKnownMemberId: false,
    supportsSkipAssignment: true,
    ...overrides,
  };
}

/** A JoinGroup whose result is captured when it completes. */
export class PendingJoin {
  result: JoinResult | null = null;
  constructor(promise: Promise<JoinResult>) {
    void promise.then((r) => (this.result = r));
  }
}

/** Tumbling and hopping time windows with a grace period, and the serde for windowed keys. */
import type { Serde } from './serdes.js';
import type { TimeWindow, Windowed } from './record.js';

export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    /** How long after a window ends its late records are still accepted (by stream time). */
    readonly graceMs: number,
  ) {
    if (!(sizeMs > 0) || !Number.isInteger(sizeMs)) throw new RangeError(`window size must be a positive integer, got ${sizeMs}`);
    if (!(advanceMs > 0) || advanceMs > sizeMs || !Number.isInteger(advanceMs)) throw new RangeError(`advance must be in (0, size], got ${advanceMs}`);
    if (!(graceMs >= 0) || !Number.isInteger(graceMs)) throw new RangeError(`grace must be a non-negative integer, got ${graceMs}`);
  }

  /** Tumbling windows that close as soon as stream time passes their end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return new TimeWindows(sizeMs, sizeMs, 0);
  }

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Hopping windows: a new window every advanceMs, each sizeMs long. */
  advanceBy(advanceMs: number): TimeWindows {
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** Every window [start, start + size) holding timestampMs, aligned to the epoch by advance. */
  windowsFor(timestampMs: number): TimeWindow[] {
    const out: TimeWindow[] = [];
    let startMs = Math.floor(Math.max(0, timestampMs - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    for (; startMs <= timestampMs; startMs += this.advanceMs) out.push({ startMs, endMs: startMs + this.sizeMs });
    return out;
  }
}

/**
 * Sliding windows (Kafka's SlidingWindows): windows of fixed length [start, start + timeDifference],
 * both ends inclusive, defined by the records rather than the epoch: each record has a window ending
 * at it (its left window) and one starting just after it (its right window, kept only while it
 * holds records). A window closes once stream time passes its end by the grace period.
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {
    if (!(timeDifferenceMs > 0) || !Number.isInteger(timeDifferenceMs)) throw new RangeError(`time difference must be a positive integer, got ${timeDifferenceMs}`);
    if (!(graceMs >= 0) || !Number.isInteger(graceMs)) throw new RangeError(`grace must be a non-negative integer, got ${graceMs}`);
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }
}

/** Windowed keys as inner key bytes followed by the 8-byte window start (Kafka's TimeWindowedSerde layout). */
export function windowedSerde<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const keyBytes = inner.serialize(topic, data.key) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(keyBytes.length + 8);
      keyBytes.copy(out, 0);
      out.writeBigInt64BE(BigInt(data.window.startMs), keyBytes.length);
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const startMs = Number(data.readBigInt64BE(data.length - 8));
      return { key: inner.deserialize(topic, data.subarray(0, data.length - 8)) as K, window: { startMs, endMs: startMs + windowSizeMs } };
    },
  };
}

/**
 * The window of a stream-stream join: a record of this stream joins records of the other stream
 * whose timestamps lie in [ts - beforeMs, ts + afterMs]; records arriving later than graceMs past
 * that are dropped.
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {
    for (const [what, v] of [['before', beforeMs], ['after', afterMs], ['grace', graceMs]] as const) {
      if (!(v >= 0) || !Number.isInteger(v)) throw new RangeError(`join window ${what} must be a non-negative integer, got ${v}`);
    }
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs);
  }

  /** Only records of the other stream up to this much earlier join. */
  before(ms: number): JoinWindows {
    return new JoinWindows(ms, this.afterMs, this.graceMs);
  }

  /** Only records of the other stream up to this much later join. */
  after(ms: number): JoinWindows {
    return new JoinWindows(this.beforeMs, ms, this.graceMs);
  }

  /** The same window seen from the other stream. */
  reverse(): JoinWindows {
    return new JoinWindows(this.afterMs, this.beforeMs, this.graceMs);
  }
}

/**
 * Session windows: a key's records closer together than the inactivity gap form one session
 * [first record, last record]; a record between two sessions merges them. A session is closed once
 * stream time passes its end by the grace period.
 */
export class SessionWindows {
  private constructor(
    readonly inactivityGapMs: number,
    readonly graceMs: number,
  ) {
    if (!(inactivityGapMs > 0) || !Number.isInteger(inactivityGapMs)) throw new RangeError(`inactivity gap must be a positive integer, got ${inactivityGapMs}`);
    if (!(graceMs >= 0) || !Number.isInteger(graceMs)) throw new RangeError(`grace must be a non-negative integer, got ${graceMs}`);
  }

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return new SessionWindows(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(inactivityGapMs, graceMs);
  }
}

/** Session keys as inner key bytes, then the 8-byte end and 8-byte start (Kafka's SessionWindowedSerde layout). */
export function sessionWindowedSerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const keyBytes = inner.serialize(topic, data.key) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(keyBytes.length + 16);
      keyBytes.copy(out, 0);
      out.writeBigInt64BE(BigInt(data.window.endMs), keyBytes.length);
      out.writeBigInt64BE(BigInt(data.window.startMs), keyBytes.length + 8);
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const endMs = Number(data.readBigInt64BE(data.length - 16));
      const startMs = Number(data.readBigInt64BE(data.length - 8));
      return { key: inner.deserialize(topic, data.subarray(0, data.length - 16)) as K, window: { startMs, endMs } };
    },
  };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetriableError } from '../../src/connect/api.js';
import { type ErrorContext, RetryWithTolerance, ToleranceExceededError, errorPolicy } from '../../src/connect/runtime/error-handling.js';

/** A fake clock that sleep() advances, so retries take no real time. */
function fakeTime() {
  let now = 1_000;
  const sleeps: number[] = [];
  return { clock: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), sleeps };
}

test('retriable failures are retried with doubling backoff until errors.retry.timeout', async () => {
  const t = fakeTime();
  const reported: ErrorContext[] = [];
  const op = new RetryWithTolerance(errorPolicy({ 'errors.retry.timeout': '2000', 'errors.tolerance': 'all' }), async (c) => void reported.push(c), t.clock, t.sleep);
  let calls = 0;
  const result = await op.execute(() => {
    calls++;
    throw new RetriableError('busy');
  }, 'TASK_PUT', 'X');
  assert.deepEqual(result, { ok: false });
  assert.deepEqual(t.sleeps, [300, 600, 1100], 'backoff doubles, clipped to the time left');
  assert.equal(calls, 4);
  assert.equal(reported.length, 1);
  assert.equal(reported[0]!.stage, 'TASK_PUT');
});

test('a retriable failure that clears is not reported', async () => {
  const t = fakeTime();
  const op = new RetryWithTolerance(errorPolicy({ 'errors.retry.timeout': '10000' }), async () => assert.fail('no report'), t.clock, t.sleep);
  let calls = 0;
  const result = await op.execute(() => {
    if (++calls < 3) throw new RetriableError('busy');
    return 'done';
  }, 'TASK_PUT', 'X');
  assert.deepEqual(result, { ok: true, value: 'done' });
});

test('non-retriable failures are not retried; tolerance none throws', async () => {
  const t = fakeTime();
  const none = new RetryWithTolerance(errorPolicy({ 'errors.retry.timeout': '10000' }), async () => {}, t.clock, t.sleep);
  await assert.rejects(none.execute(() => { throw new Error('bad'); }, 'VALUE_CONVERTER', 'C'), (e: Error) => e instanceof ToleranceExceededError && e.stage === 'VALUE_CONVERTER');
  assert.deepEqual(t.sleeps, []);
  const all = new RetryWithTolerance(errorPolicy({ 'errors.tolerance': 'all' }), async () => {}, t.clock, t.sleep);
  assert.deepEqual(await all.execute(() => { throw new Error('bad'); }, 'TRANSFORMATION', 'T'), { ok: false });
  assert.equal(all.failedRecords, 1);
});

test('errors.retry.timeout=-1 retries until the failure clears', async () => {
  const t = fakeTime();
  const op = new RetryWithTolerance(errorPolicy({ 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '1000' }), async () => assert.fail('no report'), t.clock, t.sleep);
  let calls = 0;
  const result = await op.execute(() => {
    if (++calls < 10) throw new RetriableError('busy');
    return calls;
  }, 'TASK_PUT', 'X');
  assert.deepEqual(result, { ok: true, value: 10 });
  assert.equal(Math.max(...t.sleeps), 1000, 'backoff capped by errors.retry.delay.max.ms');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, KafkaError, errorByCode, isKnownErrorCode, kafkaErrors } from '../../src/protocol/index.js';

test('the catalogue covers -1..133 with unique codes and names', () => {
  const codes = kafkaErrors.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(new Set(kafkaErrors.map((e) => e.name)).size, kafkaErrors.length);
  assert.deepStrictEqual(codes, Array.from({ length: 135 }, (_, i) => i - 1), 'contiguous from -1');
  for (const e of kafkaErrors) {
    assert.equal(ErrorCode[e.name as keyof typeof ErrorCode], e.code, e.name);
    assert.equal(errorByCode(e.code), e);
    assert.equal(e.message === '', e.name === 'NONE', `${e.name} has a default message`);
  }
  assert.equal(Object.keys(ErrorCode).length, kafkaErrors.length);
});

test('well-known codes, names and retriable flags match Kafka', () => {
  const expected: [keyof typeof ErrorCode, number, boolean][] = [
    ['UNKNOWN_SERVER_ERROR', -1, false],
    ['NONE', 0, false],
    ['OFFSET_OUT_OF_RANGE', 1, false],
    ['CORRUPT_MESSAGE', 2, true],
    ['UNKNOWN_TOPIC_OR_PARTITION', 3, true],
    ['LEADER_NOT_AVAILABLE', 5, true],
    ['NOT_LEADER_OR_FOLLOWER', 6, true],
    ['REQUEST_TIMED_OUT', 7, true],
    ['MESSAGE_TOO_LARGE', 10, false],
    ['COORDINATOR_LOAD_IN_PROGRESS', 14, true],
    ['NOT_COORDINATOR', 16, true],
    ['REBALANCE_IN_PROGRESS', 27, false],
    ['TOPIC_AUTHORIZATION_FAILED', 29, false],
    ['UNSUPPORTED_VERSION', 35, false],
    ['TOPIC_ALREADY_EXISTS', 36, false],
    ['NOT_CONTROLLER', 41, true],
    ['INVALID_PRODUCER_EPOCH', 47, false],
    ['CONCURRENT_TRANSACTIONS', 51, true],
    ['KAFKA_STORAGE_ERROR', 56, true],
    ['UNKNOWN_PRODUCER_ID', 59, false],
    ['FENCED_LEADER_EPOCH', 74, true],
    ['MEMBER_ID_REQUIRED', 79, false],
    ['PRODUCER_FENCED', 90, false],
    ['UNKNOWN_TOPIC_ID', 100, true],
    ['FENCED_MEMBER_EPOCH', 110, false],
    ['TRANSACTION_ABORTABLE', 120, false],
    ['SHARE_SESSION_NOT_FOUND', 122, true],
    ['REBOOTSTRAP_REQUIRED', 129, false],
    ['SHARE_SESSION_LIMIT_REACHED', 133, true],
  ];
  for (const [name, code, retriable] of expected) {
    assert.equal(ErrorCode[name], code, name);
    assert.equal(errorByCode(code).name, name);
    assert.equal(errorByCode(code).retriable, retriable, `${name} retriable`);
  }
});

test('unknown codes fall back to UNKNOWN_SERVER_ERROR', () => {
  assert.equal(isKnownErrorCode(9999), false);
  assert.equal(isKnownErrorCode(3), true);
  assert.equal(errorByCode(9999).name, 'UNKNOWN_SERVER_ERROR');
});

test('KafkaError carries code, retriable flag and a message', () => {
  const e = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.ok(e instanceof Error);
  assert.equal(e.code, 6);
  assert.equal(e.retriable, true);
  assert.equal(e.errorName, 'NOT_LEADER_OR_FOLLOWER');
  assert.match(e.message, /not the current leader/);
  const custom = new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'topic name has a slash');
  assert.equal(custom.message, 'topic name has a slash');
  assert.equal(custom.retriable, false);
  const odd = new KafkaError(4242);
  assert.equal(odd.errorName, 'UNKNOWN_SERVER_ERROR');
  assert.equal(odd.code, 4242);
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileProducerIdStore, ProducerIdManager } from '../../src/txn/producer-ids.js';
import { tempDir } from '../helpers/broker.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('ids resume past every persisted block, from the data dir file or an older dir\'s counter', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const first = new ProducerIdManager(fileProducerIdStore(dir), 10);
  assert.deepEqual([await first.allocate(), await first.allocate()], [0, 1]);
  assert.equal(readFileSync(path.join(dir, 'producer-id-block'), 'utf8'), '10\n');
  // A restart (or a crash) after any of the block's ids: the next run starts past the block.
  const second = new ProducerIdManager(fileProducerIdStore(dir), 10);
  assert.equal(await second.allocate(), 10);
  assert.equal(readFileSync(path.join(dir, 'producer-id-block'), 'utf8'), '20\n');

  const upgraded = tempDir();
  dirs.push(upgraded);
  const legacy = new ProducerIdManager(fileProducerIdStore(upgraded, async () => Buffer.from('5000\n')), 10);
  assert.equal(await legacy.allocate(), 5000, 'the counter of __transaction_state-0 is honoured');
  assert.equal(readFileSync(path.join(upgraded, 'producer-id-block'), 'utf8'), '5010\n');

  writeFileSync(path.join(upgraded, 'producer-id-block'), 'garbage');
  await assert.rejects(new ProducerIdManager(fileProducerIdStore(upgraded), 10).allocate());
});

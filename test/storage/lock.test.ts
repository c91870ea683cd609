/** The data dir lock: one live process per data dir; a lock left by a killed process is taken over. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import { DataDirLockedError, LOCK_FILE } from '../../src/storage/file/lock.js';
import { killHard, removeTempDirs, startChild, tempDir } from './file-helpers.js';

after(removeTempDirs);

function isLockedBy(dataDir: string, pid: number) {
  return (err: unknown) => {
    assert.ok(err instanceof DataDirLockedError, String(err));
    assert.equal(err.pid, pid);
    assert.equal(err.dataDir, dataDir);
    assert.match(err.message, new RegExp(`${dataDir}.*${pid}`));
    return true;
  };
}

describe('data dir lock', () => {
  it('refuses a second opener while the first is open, and is released on close', async () => {
    const dataDir = await tempDir();
    const first = await FileLogStore.open({ dataDir });
    assert.equal(await readFile(path.join(dataDir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    await assert.rejects(FileLogStore.open({ dataDir }), isLockedBy(dataDir, process.pid));
    await first.close();
    const second = await FileLogStore.open({ dataDir });
    await second.close();
  });

  it('refuses while another live process holds it, takes it over once that process is killed', async () => {
    const dataDir = await tempDir();
    const holder = startChild({ mode: 'hold-lock', dataDir });
    try {
      await holder.waitFor((lines) => lines.includes('locked'));
      await assert.rejects(FileLogStore.open({ dataDir }), isLockedBy(dataDir, holder.child.pid!));
    } finally {
      await killHard(holder);
    }
    // The killed child left its lock file behind; its pid is dead now.
    assert.equal(await readFile(path.join(dataDir, LOCK_FILE), 'utf8'), `${holder.child.pid}\n`);
    const store = await FileLogStore.open({ dataDir });
    assert.equal(await readFile(path.join(dataDir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    await store.close();
  });

  it('takes over a lock naming a pid that no longer exists', async () => {
    const dataDir = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dataDir, LOCK_FILE), `${dead}\n`);
    const store = await FileLogStore.open({ dataDir });
    await store.close();
  });
});

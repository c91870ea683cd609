/**
 * The file-descriptor operations the file store performs, behind one small interface so tests can
 * count fsyncs or inject I/O errors without monkey-patching `fs`.
 *
 * Everything takes raw fds and explicit positions (pread/pwrite): the store always knows where its
 * bytes go, and positional I/O lets reads run concurrently with appends on the same fd.
 */
import * as fs from 'node:fs';

export interface FileOps {
  /** Opens (flags as for fs.open) and returns a raw fd. */
  open(path: string, flags: string | number): Promise<number>;
  /** Synchronous open, used only when rolling a segment inside a synchronous append(). */
  openSync(path: string, flags: string | number): number;
  close(fd: number): Promise<void>;
  /** Positional read; returns the bytes read (fewer at end of file). */
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Positional gather write; returns the bytes written. */
  writev(fd: number, buffers: Buffer[], position: number): Promise<number>;
  /** Flushes file data and metadata to stable storage (fsync(2)); also used on directories. */
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, lengthBytes: number): Promise<void>;
  /** Current size of the file behind fd. */
  sizeOf(fd: number): Promise<number>;
}

function done<T>(resolve: (v: T) => void, reject: (e: Error) => void) {
  return (err: NodeJS.ErrnoException | null, value: T) => (err ? reject(err) : resolve(value));
}

export const nodeFileOps: FileOps = {
  open: (path, flags) => new Promise((res, rej) => fs.open(path, flags, 0o644, done(res, rej))),
  openSync: (path, flags) => fs.openSync(path, flags, 0o644),
  close: (fd) => new Promise((res, rej) => fs.close(fd, (err) => (err ? rej(err) : res()))),
  read: (fd, buffer, offset, length, position) =>
    new Promise((res, rej) => fs.read(fd, buffer, offset, length, position, done(res, rej))),
  writev: (fd, buffers, position) =>
    new Promise((res, rej) => fs.writev(fd, buffers, position, done(res, rej))),
  fsync: (fd) => new Promise((res, rej) => fs.fsync(fd, (err) => (err ? rej(err) : res()))),
  ftruncate: (fd, lengthBytes) =>
    new Promise((res, rej) => fs.ftruncate(fd, lengthBytes, (err) => (err ? rej(err) : res()))),
  sizeOf: (fd) => new Promise((res, rej) => fs.fstat(fd, (err, st) => (err ? rej(err) : res(st.size)))),
};

/** Reads exactly `length` bytes at `position` (or fewer only at end of file). */
export async function readFully(
  ops: FileOps,
  fd: number,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let total = 0;
  while (total < length) {
    const n = await ops.read(fd, buffer, total, length - total, position + total);
    if (n === 0) break;
    total += n;
  }
  return total;
}

/** Writes all of `buffers` at `position`, continuing after short writes. */
export async function writevFully(
  ops: FileOps,
  fd: number,
  buffers: Buffer[],
  position: number,
): Promise<void> {
  let total = 0;
  for (const b of buffers) total += b.length;
  let written = await ops.writev(fd, buffers, position);
  if (written === total) return;
  // Short write (rare: disk full, signals). Retry the remainder buffer by buffer.
  let skip = written;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    let rest = b.subarray(skip);
    skip = 0;
    while (rest.length > 0) {
      const n = await ops.writev(fd, [rest], position + written);
      if (n <= 0) throw new Error(`short write: wrote ${written} of ${total} bytes`);
      written += n;
      rest = rest.subarray(n);
    }
  }
}

/** fsyncs a directory so renames and newly created files in it survive a crash. */
export async function fsyncDir(ops: FileOps, dir: string): Promise<void> {
  const fd = await ops.open(dir, 'r');
  try {
    await ops.fsync(fd);
  } finally {
    await ops.close(fd);
  }
}

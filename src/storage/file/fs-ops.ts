/**
 * The file-descriptor operations the file store performs, behind one small interface so tests can
 * count fsyncs or inject I/O errors without monkey-patching `fs`.
 *
 * Everything takes raw fds and explicit positions (pread/pwrite): the store always knows where its
 * bytes go, and positional I/O lets reads run concurrently with appends on the same fd.
 */
import * as fs from 'node:fs';
import { byteLengthOf } from '../../records/byte-length.js';

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
  /** The same on the calling thread: for small appends, where a thread-pool round trip costs more. */
  writevSync(fd: number, buffers: Buffer[], position: number): number;
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
  writevSync: (fd, buffers, position) => fs.writevSync(fd, buffers, position),
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
export async function writevFully(ops: FileOps, fd: number, buffers: Buffer[], position: number): Promise<void> {
  const total = byteLengthOf(buffers);
  let written = await ops.writev(fd, buffers, position);
  // Short writes are rare (disk full, signals): the rest goes in further gather writes.
  while (written < total) written += checkedWrite(await ops.writev(fd, after(buffers, written), position + written), written, total);
}

/** writevFully on the calling thread. */
export function writevFullySync(ops: FileOps, fd: number, buffers: Buffer[], position: number): void {
  const total = byteLengthOf(buffers);
  let written = ops.writevSync(fd, buffers, position);
  while (written < total) written += checkedWrite(ops.writevSync(fd, after(buffers, written), position + written), written, total);
}

/** The bytes of `buffers` past the first `skip`. */
function after(buffers: Buffer[], skip: number): Buffer[] {
  const rest: Buffer[] = [];
  for (const b of buffers) {
    if (skip >= b.length) skip -= b.length;
    else {
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
  }
  return rest;
}

function checkedWrite(n: number, written: number, total: number): number {
  if (n <= 0) throw new Error(`short write: wrote ${written} of ${total} bytes`);
  return n;
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

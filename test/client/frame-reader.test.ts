import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader } from '../../src/client/frame-reader.js';

/** Size-prefixed frames with distinct contents, small and larger than the 64 KiB scratch. */
function framesOf(sizes: number[]): { stream: Buffer; bodies: Buffer[] } {
  const bodies = sizes.map((size, i) => {
    const body = Buffer.alloc(size);
    for (let j = 0; j < size; j++) body[j] = (i * 7 + j) & 0xff;
    return body;
  });
  const parts: Buffer[] = [];
  for (const body of bodies) {
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    parts.push(size, body);
  }
  return { stream: Buffer.concat(parts), bodies };
}

/** Plays the socket: each read fills at most `readBytes` of the buffer the reader asks for. */
function feed(reader: FrameReader, stream: Buffer, readBytes: (i: number) => number): void {
  let pos = 0;
  for (let i = 0; pos < stream.length; i++) {
    const buf = reader.nextBuffer();
    assert.ok(buf.length > 0, 'the reader never offers an empty buffer');
    const n = Math.min(buf.length, readBytes(i), stream.length - pos);
    stream.copy(buf, 0, pos, pos + n);
    pos += n;
    reader.onRead(n, buf);
  }
}

test('frames come out whole and unchanged, whatever the read sizes, small and large alike', () => {
  const { stream, bodies } = framesOf([0, 5, 1000, 70_000, 3, 65_536, 200_000, 65_537, 12, 1_500_000, 9]);
  for (const readBytes of [() => 1, () => 7, () => 4096, () => 65_536, () => 1 << 30, (i: number) => [3, 100_000, 17, 65_000][i % 4]!]) {
    const got: Buffer[] = [];
    const reader = new FrameReader((f) => got.push(f), (err) => assert.fail(err));
    feed(reader, stream, readBytes);
    // Checked after every read is done: no frame may be a view into the reused scratch buffer.
    assert.equal(got.length, bodies.length);
    for (let i = 0; i < bodies.length; i++) assert.ok(got[i]!.equals(bodies[i]!), `frame ${i} (${bodies[i]!.length} bytes) differs`);
  }
});

test('a large frame is read into its own buffer in place', () => {
  const { stream, bodies } = framesOf([300_000]);
  const offered: number[] = [];
  const got: Buffer[] = [];
  const reader = new FrameReader((f) => got.push(f), (err) => assert.fail(err));
  feed(reader, stream, (i) => {
    offered.push(reader.nextBuffer().length);
    return i === 0 ? 1000 : 65_536;
  });
  assert.ok(got[0]!.equals(bodies[0]!));
  // After the first read (size + 996 bytes), reads are offered exactly the frame's remainder.
  assert.equal(offered[1], 300_000 - 996);
});

test('push() (data-event transports) frames the same bytes the same way', () => {
  const { stream, bodies } = framesOf([5, 70_000, 0, 200_000, 12]);
  for (const step of [1, 999, 65_536, 1 << 30]) {
    const got: Buffer[] = [];
    const reader = new FrameReader((f) => got.push(f), (err) => assert.fail(err));
    for (let pos = 0; pos < stream.length; pos += step) reader.push(stream.subarray(pos, pos + step));
    assert.equal(got.length, bodies.length);
    for (let i = 0; i < bodies.length; i++) assert.ok(got[i]!.equals(bodies[i]!), `frame ${i} differs (step ${step})`);
  }
});

test('a negative frame size is reported, not looped on', () => {
  const errors: Error[] = [];
  const reader = new FrameReader(() => assert.fail('no frame expected'), (err) => errors.push(err));
  const buf = reader.nextBuffer();
  buf.writeInt32BE(-5, 0);
  reader.onRead(8, buf);
  assert.equal(errors.length, 1);
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AttachmentContent, exclusiveBuffers } from './attachment-content.js';

function collect(bytes: Buffer, pieceSize: number, capacity: number): Buffer {
  const c = new AttachmentContent(capacity);
  for (let at = 0; at < bytes.length; at += pieceSize) c.push(bytes.subarray(at, at + pieceSize));
  return c.finish();
}

describe('AttachmentContent', () => {
  test('a small attachment is joined from its pieces, in a buffer of its own size', () => {
    const bytes = randomBytes(300_000);
    const content = collect(bytes, 77, 10_000_000);
    assert.ok(content.equals(bytes));
    assert.equal(exclusiveBuffers.has(content.buffer), false, 'an ordinary Buffer: transferred only if it owns its ArrayBuffer');
  });

  test('past 1 MiB the bytes go into one reservation of the mail size; the result is a view marked exclusive', () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    const content = collect(bytes, 4096, 4 * 1024 * 1024);
    assert.ok(content.equals(bytes));
    assert.equal(content.buffer.byteLength, 4 * 1024 * 1024, 'written into the reservation, not joined anew');
    assert.ok(exclusiveBuffers.has(content.buffer));
  });

  test('a part bigger than the reservation is still collected whole', () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 3);
    assert.ok(collect(bytes, 65_536, 1024).equals(bytes), 'capacity below 1 MiB');
    assert.ok(collect(bytes, 65_536, 1_500_000).equals(bytes), 'capacity between 1 MiB and the size');
  });

  test('no bytes → an empty Buffer', () => {
    assert.equal(new AttachmentContent(100).finish().length, 0);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusDir } from '../../test/support/corpus.js';
import { imageDimensions, isDecodeBomb } from './image-dimensions.js';

test('the corpus images report their real size', () => {
  const sizes = new Map<string, { width: number; height: number } | null>();
  for (const ext of ['png', 'gif', 'bmp', 'jpg', 'webp']) sizes.set(ext, imageDimensions(readFileSync(corpusDir(`cpython-email/Lib/test/test_email/data/python.${ext}`))));
  for (const [ext, d] of sizes) {
    assert.ok(d, `${ext}: no dimensions`);
    assert.ok(d.width > 0 && d.width < 10_000 && d.height > 0 && d.height < 10_000, `${ext}: ${JSON.stringify(d)}`);
  }
  // All five are the same picture in different formats.
  const png = sizes.get('png')!;
  for (const [ext, d] of sizes) assert.deepEqual(d, png, ext);
  for (const ext of ['png', 'gif', 'bmp', 'jpg', 'webp']) assert.equal(isDecodeBomb(readFileSync(corpusDir(`cpython-email/Lib/test/test_email/data/python.${ext}`))), false);
});

test('A11: a PNG header declaring 100,000 × 100,000 pixels is a decode bomb; a truncated JPEG says nothing', () => {
  const bomb = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bomb, 0);
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  assert.deepEqual(imageDimensions(bomb), { width: 100_000, height: 100_000 });
  assert.equal(isDecodeBomb(bomb), true);
  const jpeg = readFileSync(corpusDir('cpython-email/Lib/test/test_email/data/python.jpg'));
  assert.equal(imageDimensions(jpeg.subarray(0, 20)), null);
  assert.equal(isDecodeBomb(jpeg.subarray(0, 20)), false);
  assert.equal(imageDimensions(Buffer.from('not an image')), null);
});

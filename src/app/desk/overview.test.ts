import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './overview.js';

test('percentile is nearest-rank', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([7], 0.99), 7);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
  const hundred = Array.from({ length: 100 }, (_v, i) => i + 1);
  assert.equal(percentile(hundred, 0.99), 99);
  assert.equal(percentile(hundred, 0.5), 50);
});

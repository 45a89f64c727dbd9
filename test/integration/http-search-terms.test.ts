import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchTerms } from '../../src/db/stores/search.js';

test('searchTerms keeps letters and digits only, so no FTS5 or tsquery syntax reaches the database', () => {
  assert.deepEqual(searchTerms('Printer SMOKES!'), ['printer', 'smokes']);
  assert.deepEqual(searchTerms('"*) OR NEAR(x: a & !b | c'), ['or', 'near', 'x', 'a', 'b', 'c']);
  assert.deepEqual(searchTerms('Störung Größe'), ['störung', 'größe']);
  assert.deepEqual(searchTerms('%_\\'), []);
  assert.equal(searchTerms('a '.repeat(50)).length, 10);
});

test('M12: searchTerms over 50 KB of repeated characters finishes fast', () => {
  const started = Date.now();
  searchTerms('a-'.repeat(25_000));
  searchTerms('"'.repeat(50_000));
  assert.ok(Date.now() - started < 1000);
});

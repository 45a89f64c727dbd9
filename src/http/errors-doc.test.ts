import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS } from '../app/errors.js';

test('docs/errors.md has a row for every error code, with its HTTP status', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.match(doc, new RegExp(`^\\| \`${code}\` \\| ${e.status} \\|`, 'm'), `${code} is documented with ${e.status}`);
  }
});

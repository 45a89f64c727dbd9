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

test('docs/errors.md quotes every code\'s English and German message in its row', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const [code, e] of Object.entries(ERRORS)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} has a row`);
    assert.ok(row.includes(` ${e.message.en} |`), `${code}: the row quotes the English message`);
    assert.ok(row.includes(` ${e.message.de} |`), `${code}: the row quotes the German message`);
  }
});

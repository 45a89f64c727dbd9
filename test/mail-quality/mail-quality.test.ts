// The reply-split measurement of docs/mail-quality.md, run as a test: a change that splits fewer
// corpus mails the way their upstream projects expect fails here. The recorded counts are read
// from the table in the doc, so the doc cannot claim more than the code does.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { measure } from '../../scripts/mail-quality.js';
import { corpusDir, repoRoot } from '../support/corpus.js';
import { splitCustomerReply } from '../../src/domain/reply.js';
import { htmlToPlainText } from '../../src/domain/html-text.js';

/** set name → recorded matched count, from the table in docs/mail-quality.md. */
function recorded(): Map<string, { matched: number; total: number }> {
  const doc = readFileSync(join(repoRoot, 'docs', 'mail-quality.md'), 'utf8');
  const rows = new Map<string, { matched: number; total: number }>();
  for (const m of doc.matchAll(/^\| ([^|]+?) \| (?:text|html) \| (\d+) \| (\d+) \|/gm)) {
    rows.set(m[1]!, { matched: Number(m[2]), total: Number(m[3]) });
  }
  return rows;
}

describe('reply splitting measured on the public corpora (docs/mail-quality.md)', async () => {
  const results = await measure();
  const table = recorded();

  test('every measured set has a row in the doc', () => {
    assert.equal(table.size, results.length);
    for (const r of results) assert.ok(table.has(r.set), `no row for ${r.set}`);
  });

  for (const r of results) {
    test(`${r.set}: no fewer matches than recorded`, () => {
      const row = table.get(r.set);
      assert.ok(row, r.set);
      assert.equal(r.total, row.total, 'the number of cases changed: update the doc');
      assert.ok(r.matched >= row.matched, `${r.matched}/${r.total} match, ${row.matched} recorded; misses: ${r.misses.map((m) => m.name).join(', ')}`);
    });
  }

  test('target: at least 95 % on every set', () => {
    for (const r of results) assert.ok(r.matched / r.total >= 0.95, `${r.set}: ${r.matched}/${r.total}`);
  });

  test('target: every German sample splits as expected', () => {
    const german = results.find((r) => r.set.includes('German'));
    assert.ok(german);
    assert.equal(german.matched, german.total, german.misses.map((m) => m.name).join(', '));
  });
});

describe('real German multipart replies: the text and the HTML view show the same cut', () => {
  // fiedl/extended_email_reply_parser's German GMX/Web.de and Outlook mails, with a text and an HTML part.
  for (const [name, first, history] of [
    ['email_de_7.eml', 'die neuen Stati sehen auf der Plattform super aus', 'Guten Tag!'],
    ['email_de_8.eml', 'Danke erst einmal für die schnelle Hilfe.', 'support@example.org'],
    ['email_de_9.eml', 'vielen Dank für die Rückmeldung', 'support@example.org'],
  ] as const) {
    test(name, async () => {
      const mail = await simpleParser(readFileSync(corpusDir('fiedl-extended_email_reply_parser/spec/email_fixtures', name)));
      assert.equal(typeof mail.html, 'string');
      const result = splitCustomerReply({ text: mail.text ?? null, html: mail.html as string });
      assert.ok(result.replyHtml !== null);
      const htmlView = htmlToPlainText(result.replyHtml);
      for (const view of [result.replyText, htmlView]) {
        assert.ok(view.replace(/\s+/g, ' ').includes(first), view);
        assert.ok(!view.includes(history), view);
      }
      assert.ok(result.quotedText.includes(history));
    });
  }
});

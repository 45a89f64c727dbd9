import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCursor, resumeCursor } from './live-updates.js';

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

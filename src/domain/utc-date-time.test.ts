import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUtcDateTime } from './utc-date-time.js';

test('a moment is shown in UTC, in German and in English, whatever the machine zone', () => {
  assert.equal(formatUtcDateTime('2026-12-06T17:45:10Z', 'de'), '06.12.2026, 17:45 UTC');
  assert.equal(formatUtcDateTime(new Date('2026-12-06T23:30:00+01:00'), 'en'), '6 Dec 2026, 22:30 UTC');
});

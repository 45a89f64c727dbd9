import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASE_STATUSES, LANGUAGES } from '../../src/domain/case.js';
import { INBOUND_STATUSES, REASON_CODES } from '../../src/domain/reason-codes.js';
import { REASON_TEXTS } from '../../src/app/ingest/reason-texts.js';
import { de } from '../../web/src/locales/de.js';
import { en } from '../../web/src/locales/en.js';
import * as webTypes from '../../web/src/types.js';

const LOCALES = { de, en };

test('every reason code has its explanation and advice in German and English, and the two differ', () => {
  for (const code of REASON_CODES) {
    for (const lang of LANGUAGES) {
      const t = REASON_TEXTS[code]?.[lang];
      assert.ok(t, `${code}: no ${lang} text`);
      assert.ok(t.text.trim().length > 0, `${code}/${lang}: empty text`);
      assert.ok(t.advice.trim().length > 0, `${code}/${lang}: empty advice`);
    }
    // A German slot holding the English words (or the reverse) is a copy, not a translation.
    assert.notEqual(REASON_TEXTS[code].de.text, REASON_TEXTS[code].en.text, `${code}: the German text is the English one`);
  }
  assert.deepEqual(Object.keys(REASON_TEXTS).sort(), [...REASON_CODES].sort(), 'texts for exactly the reason codes');
});

test('the web UI labels every reason code and status in both languages and keeps no reason text of its own', () => {
  for (const [lang, texts] of Object.entries(LOCALES)) {
    assert.deepEqual(Object.keys(texts.reasons).sort(), [...REASON_CODES].sort(), `${lang}: a short label for exactly the reason codes`);
    for (const code of REASON_CODES) {
      const entry = texts.reasons[code] as Record<string, string>;
      assert.ok(entry.short?.trim(), `${lang}: reason ${code} has no short label`);
      // The explanation shown in the UI is the server's (REASON_TEXTS): a second copy here drifts.
      assert.deepEqual(Object.keys(entry), ['short'], `${lang}: reason ${code} carries its own text; the UI shows the server's`);
    }
    assert.deepEqual(Object.keys(texts.inboundStatus).sort(), [...INBOUND_STATUSES].sort(), `${lang}: a label for exactly the inbound statuses`);
    assert.deepEqual(Object.keys(texts.caseStatus).sort(), [...CASE_STATUSES].sort(), `${lang}: a label for exactly the case statuses`);
    for (const s of INBOUND_STATUSES) assert.ok(texts.inboundStatus[s].trim(), `${lang}: inbound status ${s} unlabelled`);
    for (const s of CASE_STATUSES) assert.ok(texts.caseStatus[s].trim(), `${lang}: case status ${s} unlabelled`);
  }
});

test('the web UI uses the server lists themselves, not copies', () => {
  assert.equal(webTypes.REASON_CODES, REASON_CODES);
  assert.equal(webTypes.INBOUND_STATUSES, INBOUND_STATUSES);
  assert.equal(webTypes.CASE_STATUSES, CASE_STATUSES);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, api } from '../../web/src/api.js';
import { errorText } from '../../web/src/components/error-text.js';
import { i18n } from '../../web/src/i18n.js';

/** The UI's words for codes, as i18next's `t` gives them: the key itself when it has none. */
const t = (k: string) => ({ 'errors.case_not_found': 'Diesen Fall gibt es nicht, oder er gehört nicht Ihnen.', 'errors.internal': 'Bei uns ist ein Fehler aufgetreten.' })[k] ?? k;

test('errorText prefers the server\'s specific message when it is in the UI\'s language, else the code\'s words', () => {
  const german = new ApiError(404, 'case_not_found', 'es gibt keinen Fall 10042', {}, 'de');
  assert.equal(errorText(t, german, 'de'), 'es gibt keinen Fall 10042');
  assert.equal(errorText(t, german, 'en'), 'Diesen Fall gibt es nicht, oder er gehört nicht Ihnen.', 'a message in another language than the UI\'s is not shown');
  const unlabelled = new ApiError(404, 'case_not_found', 'There is no such case.', {}, null);
  assert.equal(errorText(t, unlabelled, 'de'), 'Diesen Fall gibt es nicht, oder er gehört nicht Ihnen.', 'a message in no named language is not shown either');
  assert.equal(errorText(t, new ApiError(409, 'brand_new_code', 'Etwas Neues.', {}, 'en'), 'de'), 'Etwas Neues.', 'a code the UI does not know: the message, whatever it is');
  assert.equal(errorText(t, new Error('boom'), 'de'), 'Bei uns ist ein Fehler aufgetreten.');
});

test('every request names the UI\'s language, and a failure keeps the language the server answered in', async () => {
  await i18n.init({ lng: 'de', resources: {} });
  const sent: Array<Record<string, string>> = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    sent.push(init.headers as Record<string, string>);
    return new Response(JSON.stringify({ error: { code: 'case_not_found', message: 'es gibt keinen Fall 5', details: {} } }), { status: 404, headers: { 'content-type': 'application/json', 'content-language': 'de' } });
  }) as typeof fetch;
  try {
    const e = await api.get('/api/cases/5').then(() => null, (err: unknown) => err);
    assert.ok(e instanceof ApiError);
    assert.deepEqual([e.status, e.code, e.message, e.language], [404, 'case_not_found', 'es gibt keinen Fall 5', 'de']);
    assert.equal(errorText(t, e), 'es gibt keinen Fall 5', 'the UI\'s language by default');
    await i18n.changeLanguage('en');
    await api.post('/api/cases/5/close').catch(() => undefined);
    assert.deepEqual(sent.map((h) => h['accept-language']), ['de', 'en']);
    assert.equal(errorText(t, e), 'Diesen Fall gibt es nicht, oder er gehört nicht Ihnen.', 'after a switch to English the German message gives way');
  } finally {
    globalThis.fetch = realFetch;
  }
});

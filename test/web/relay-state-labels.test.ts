import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELAY_STATES } from '../../src/app/ports.js';
import { de } from '../../web/src/locales/de.js';
import { en } from '../../web/src/locales/en.js';

test('the admin page labels exactly the relay states, in German and English, and the two differ', () => {
  for (const [lang, texts] of Object.entries({ de, en })) {
    assert.deepEqual(Object.keys(texts.mailboxes.relay.states).sort(), [...RELAY_STATES].sort(), `${lang}: a label for exactly the relay states`);
    for (const s of RELAY_STATES) assert.ok(texts.mailboxes.relay.states[s].trim(), `${lang}: relay state ${s} unlabelled`);
  }
  for (const s of RELAY_STATES) assert.notEqual(de.mailboxes.relay.states[s], en.mailboxes.relay.states[s], `${s}: the German label is the English one`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeConfig, loadConfig } from './config.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'supportal-config-'));
const MS = { key: 'support', user: 'support@example.com', imapUrl: 'imaps://outlook.office365.com/INBOX', oauth: { preset: 'microsoft', tenant: 'contoso.onmicrosoft.com', clientId: 'app-id', clientSecret: 'very-secret-value' } };
const PW = { key: 'support-de', user: 'support-de@example.com', imapUrl: 'imaps://mail.example.com/INBOX', password: 'mailbox-password' };

test('SUPPORTAL_MAILBOXES: a JSON array in the environment or an array in the config file', () => {
  const c = loadConfig({ SUPPORTAL_DATA_DIR: tmp(), SUPPORTAL_MAILBOXES: JSON.stringify([MS, PW]) });
  assert.deepEqual(c.mailboxes.map((m) => m.key), ['support', 'support-de']);
  assert.deepEqual(loadConfig({ SUPPORTAL_DATA_DIR: tmp() }).mailboxes, []);
  const dir = tmp();
  writeFileSync(join(dir, 'supportal.json'), JSON.stringify({ mailboxes: [PW] }));
  assert.equal(loadConfig({ SUPPORTAL_DATA_DIR: dir }).mailboxes[0]!.password, 'mailbox-password');
});

test('print-config masks the passwords and client secrets of the mailboxes', () => {
  const c = loadConfig({ SUPPORTAL_DATA_DIR: tmp(), SUPPORTAL_MAILBOXES: JSON.stringify([MS, PW]) });
  const shown = describeConfig(c).find((s) => s.env === 'SUPPORTAL_MAILBOXES')!.value;
  assert.ok(!shown.includes('very-secret-value') && !shown.includes('mailbox-password'), shown);
  assert.match(shown, /"clientSecret":"\*{8}"/);
  assert.match(shown, /"password":"\*{8}"/);
  assert.match(shown, /contoso\.onmicrosoft\.com/);
});

test('a bad mailbox entry stops with one line naming the setting and the place, never the value', () => {
  const bad: Array<[unknown, RegExp]> = [
    ['[{', /not valid JSON/],
    [[{ ...PW, key: 'Support DE' }], /key: lower-case letters/],
    [[{ ...PW, imapUrl: 'imaps://user:pw@mail.example.com/INBOX' }], /without credentials/],
    [[{ ...MS, password: 'both' }], /either a password or oauth settings/],
    [[MS, { ...PW, key: 'support' }], /the key "support" is used twice/],
    [[{ ...MS, oauth: { ...MS.oauth, preset: 'yahoo' } }], /at 0\.oauth\.preset/],
  ];
  for (const [value, message] of bad) {
    assert.throws(
      () => loadConfig({ SUPPORTAL_DATA_DIR: tmp(), SUPPORTAL_MAILBOXES: typeof value === 'string' ? value : JSON.stringify(value) }),
      (e: Error) => e instanceof ConfigError && /^invalid setting SUPPORTAL_MAILBOXES=\(hidden\)/.test(e.message) && message.test(e.message) && !e.message.includes('very-secret-value'),
    );
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeConfig, loadConfig, SETTINGS } from './config.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'supportal-config-'));

test('defaults: SQLite in the data dir, 127.0.0.1:3000, SMTP 2525, 25 MiB, German', () => {
  const dir = tmp();
  const c = loadConfig({ SUPPORTAL_DATA_DIR: dir });
  assert.equal(c.databaseUrl, `sqlite:${join(dir, 'supportal.sqlite')}`);
  assert.equal(c.httpHost, '127.0.0.1');
  assert.equal(c.httpPort, 3000);
  assert.equal(c.smtpPort, 2525);
  assert.equal(c.lmtpPort, null);
  assert.equal(c.maxMessageBytes, 25 * 1024 * 1024);
  assert.equal(c.defaultLanguage, 'de');
  assert.equal(c.relayUrl, null);
  assert.equal(c.clamav, null);
  assert.equal(c.supportAddress, 'support@supportal.localhost');
  assert.equal(c.publicUrl, 'http://127.0.0.1:3000');
});

test('addresses follow SUPPORTAL_MAIL_DOMAIN', () => {
  const c = loadConfig({ SUPPORTAL_DATA_DIR: tmp(), SUPPORTAL_MAIL_DOMAIN: 'Help.Example.COM' });
  assert.equal(c.mailDomain, 'help.example.com');
  assert.equal(c.noreplyAddress, 'no-reply@help.example.com');
  assert.equal(c.bounceAddress, 'bounces@help.example.com');
});

test('an invalid value names the setting and the accepted values', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SUPPORTAL_HTTP_PORT: 'eighty' }, /SUPPORTAL_HTTP_PORT="eighty".*expected web server port/],
    [{ SUPPORTAL_DEFAULT_LANGUAGE: 'fr' }, /SUPPORTAL_DEFAULT_LANGUAGE="fr".*de or en/],
    [{ SUPPORTAL_DATABASE_URL: 'mysql://x' }, /SUPPORTAL_DATABASE_URL=\(hidden\).*postgres/],
    [{ SUPPORTAL_CLAMAV: 'localhost:3310' }, /SUPPORTAL_CLAMAV.*tcp:\/\/host:port/],
    [{ SUPPORTAL_SUPPORT_ADDRESS: 'not-an-address' }, /SUPPORTAL_SUPPORT_ADDRESS/],
    [{ SUPPORTAL_SECRET: 'short' }, /SUPPORTAL_SECRET=\(hidden\).*at least 32/],
  ];
  for (const [env, re] of cases) {
    assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...env }), (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes('\n'), JSON.stringify(env));
  }
});

test('a setting that cannot be used is said in German too, with the German help of the setting', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SUPPORTAL_HTTP_PORT: 'eighty' }, /^ungültige Einstellung SUPPORTAL_HTTP_PORT="eighty": .*; erwartet: Port des Webservers \(Standard 3000\)$/],
    [{ SUPPORTAL_DEFAULT_LANGUAGE: 'fr' }, /^ungültige Einstellung SUPPORTAL_DEFAULT_LANGUAGE="fr": erlaubt: de, en; erwartet: de oder en/],
    [{ SUPPORTAL_DATABASE_URL: 'mysql://x' }, /=\(hidden\): muss mit postgres:\/\/, postgresql:\/\/, sqlite: oder file: beginnen; erwartet: sqlite:PFAD/],
    [{ SUPPORTAL_SECRET: 'short' }, /SUPPORTAL_SECRET=\(hidden\): muss mindestens 32 Zeichen lang sein;/],
    [{ SUPPORTAL_TRUST_PROXY: 'nowhere' }, /„nowhere“ ist weder eine IP-Adresse/],
    [{ SUPPORTAL_TLS_KEY_FILE: '/k.pem' }, /^ungültige Einstellung SUPPORTAL_TLS_KEY_FILE\/SUPPORTAL_TLS_CERT_FILE: beide setzen oder keines$/],
  ];
  for (const [env, re] of cases) {
    assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...env }), (e: unknown) => e instanceof ConfigError && re.test(e.text.de) && !e.text.de.includes('\n') && e.text.de !== e.text.en, JSON.stringify(env));
  }
});

test('every setting has its help in German and in English, and the two differ', () => {
  for (const s of SETTINGS) {
    assert.ok(s.help.length > 0 && s.helpDe.length > 0, s.env);
    assert.notEqual(s.helpDe, s.help, s.env);
  }
});

test('the config file is read; environment wins; unknown keys are refused', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'supportal.json'), JSON.stringify({ httpPort: 8080, defaultLanguage: 'en' }));
  const c = loadConfig({ SUPPORTAL_DATA_DIR: dir, SUPPORTAL_DEFAULT_LANGUAGE: 'de' });
  assert.equal(c.httpPort, 8080);
  assert.equal(c.defaultLanguage, 'de');
  writeFileSync(join(dir, 'supportal.json'), JSON.stringify({ htpPort: 1 }));
  assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: dir }), /unknown setting "htpPort"/);
  writeFileSync(join(dir, 'supportal.json'), '{nope');
  assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: dir }), /not valid JSON/);
});

test('the secret is generated into the data dir once and then reused', () => {
  const dir = tmp();
  const a = loadConfig({ SUPPORTAL_DATA_DIR: dir }, { createSecret: true });
  const stored = readFileSync(join(dir, 'secret.key'), 'utf8').trim();
  assert.equal(a.secret, stored);
  assert.ok(stored.length >= 32);
  assert.equal(loadConfig({ SUPPORTAL_DATA_DIR: dir }).secret, stored);
});

test('validation creates nothing when it fails', () => {
  const dir = join(tmp(), 'fresh');
  assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: dir, SUPPORTAL_HTTP_PORT: '-1' }, { createSecret: true }));
  assert.equal(existsSync(dir), false);
});

test('print-config masks the secret and passwords in URLs', () => {
  const c = loadConfig({
    SUPPORTAL_DATA_DIR: tmp(),
    SUPPORTAL_SECRET: 's'.repeat(40),
    SUPPORTAL_RELAY_URL: 'smtp://mailer:hunter2@relay.example.com:587',
    SUPPORTAL_DATABASE_URL: 'postgres://app:pgpass@db:5432/supportal',
  });
  const shown = Object.fromEntries(describeConfig(c).map((r) => [r.env, r.value]));
  assert.equal(shown.SUPPORTAL_SECRET, '********');
  assert.equal(shown.SUPPORTAL_RELAY_URL, 'smtp://mailer:********@relay.example.com:587');
  assert.equal(shown.SUPPORTAL_DATABASE_URL, 'postgres://app:********@db:5432/supportal');
  assert.ok(!JSON.stringify(shown).includes('hunter2'));
});

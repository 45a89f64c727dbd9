import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MASK, maskSecret, maskUrlSecrets } from './mask-secrets.js';
import { describeConfig, loadConfig } from './config.js';

test('maskUrlSecrets masks the password of the user info, whatever characters it holds', () => {
  assert.equal(maskUrlSecrets('smtp://mailer:hunter2@relay.example.com:587'), `smtp://mailer:${MASK}@relay.example.com:587`);
  // A password with an unescaped / ? # or @ (as written in environment files).
  assert.equal(maskUrlSecrets('smtps://mailer:ab/cd?e#f@g@relay.example.com:465'), `smtps://mailer:${MASK}@relay.example.com:465`);
  assert.equal(maskUrlSecrets('imaps://support%40example.com:p%2Fw@imap.example.com/INBOX'), `imaps://support%40example.com:${MASK}@imap.example.com/INBOX`);
  assert.equal(maskUrlSecrets('postgres://app@db:5432/supportal'), 'postgres://app@db:5432/supportal');
  assert.equal(maskUrlSecrets('sqlite:/var/lib/supportal/db.sqlite'), 'sqlite:/var/lib/supportal/db.sqlite');
});

test('maskUrlSecrets masks every secret query field and keeps the others', () => {
  assert.equal(
    maskUrlSecrets('postgres://app@db/supportal?password=pw1&sslmode=require&sslpassword=pw2'),
    `postgres://app@db/supportal?password=${MASK}&sslmode=require&sslpassword=${MASK}`,
  );
  assert.equal(maskUrlSecrets('https://x/y?client_secret=s&access_token=t&api_key=k&Pass%77ord=z#frag'), `https://x/y?client_secret=${MASK}&access_token=${MASK}&api_key=${MASK}&Pass%77ord=${MASK}#frag`);
  assert.equal(maskUrlSecrets('postgres://u:p@db/x?password=q'), `postgres://u:${MASK}@db/x?password=${MASK}`);
  assert.equal(maskSecret('abc'), MASK);
  assert.equal(maskSecret(''), '');
});

test('RELIABILITY W23: print-config shows no password of the database, relay or IMAP URL (issue 10, item 10)', () => {
  const secrets = ['dbpw-query', 'relay/pw', 'imap-pw', 's'.repeat(40)];
  const c = loadConfig(
    {
      SUPPORTAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'supportal-mask-')),
      SUPPORTAL_SECRET: secrets[3]!,
      SUPPORTAL_DATABASE_URL: `postgres://app@db:5432/supportal?password=${secrets[0]}`,
      SUPPORTAL_RELAY_URL: `smtp://mailer:${secrets[1]}@relay.example.com:587`,
      SUPPORTAL_IMAP_URL: `imaps://support:${secrets[2]}@imap.example.com/INBOX`,
    },
    { createSecret: false },
  );
  const shown = JSON.stringify(describeConfig(c));
  for (const s of secrets) assert.ok(!shown.includes(s), `${s} shown: ${shown}`);
  assert.ok(shown.includes('relay.example.com') && shown.includes('imap.example.com'), 'the rest of each URL stays readable');
});

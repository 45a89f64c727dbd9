import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretBox } from './secret-box.js';

const SECRET = 'a-supportal-secret-of-at-least-32-chars';

test('a sealed value opens with the same secret and name, and shows nothing of the plain text', () => {
  const box = createSecretBox(SECRET);
  const sealed = box.seal('refresh-token-1234567890', 'mailbox:support');
  assert.match(sealed, /^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
  assert.ok(!sealed.includes('refresh-token'));
  assert.equal(box.open(sealed, 'mailbox:support'), 'refresh-token-1234567890');
  // A fresh IV each time: the same value seals differently.
  assert.notEqual(box.seal('refresh-token-1234567890', 'mailbox:support'), sealed);
});

test('another secret, another mailbox name or a changed byte does not open', () => {
  const sealed = createSecretBox(SECRET).seal('client-secret', 'mailbox:support');
  assert.throws(() => createSecretBox(`${SECRET}-rotated`).open(sealed, 'mailbox:support'), /SUPPORTAL_SECRET/);
  assert.throws(() => createSecretBox(SECRET).open(sealed, 'mailbox:support-de'), /cannot be opened/);
  const parts = sealed.split('.');
  const body = Buffer.from(parts[2]!, 'base64url');
  body[0] = body[0]! ^ 1;
  parts[2] = body.toString('base64url');
  assert.throws(() => createSecretBox(SECRET).open(parts.join('.'), 'mailbox:support'), /cannot be opened/);
  assert.throws(() => createSecretBox(SECRET).open('plain text', 'mailbox:support'), /not a sealed value/);
  assert.throws(() => createSecretBox('short'), /32 characters/);
});

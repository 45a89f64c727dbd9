import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { contentStep } from './080-content.js';
import { context } from '../../../../test/support/pipeline-step.js';

const head = 'From: anna@kunde.example\nTo: support@support.example.com\nSubject: Re: [Case #7] x\nMIME-Version: 1.0\n';

async function judge(raw: string) {
  const v = await contentStep.run(await context(raw));
  return v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind;
}

describe('080-content', () => {
  test('plain text continues', async () => {
    assert.equal(await judge(`${head}Content-Type: text/plain\n\nHallo.\n`), 'continue');
  });

  test('PGP/MIME, inline PGP and S/MIME enveloped data → rejected/encrypted', async () => {
    assert.equal(await judge(`${head}Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=b\n\n--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--b\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n--b--\n`), 'rejected/encrypted');
    assert.equal(await judge(`${head}Content-Type: text/plain\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n`), 'rejected/encrypted');
    assert.equal(await judge(`${head}Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n`), 'rejected/encrypted');
  });

  test('a signed mail is not encrypted', async () => {
    assert.equal(await judge(`${head}Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHallo.\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n`), 'continue');
  });

  test('an Outlook Rich Text part that could not be decoded → rejected/rich_text; a decoded one is noted', async () => {
    const p = await context(`${head}Content-Type: text/plain\n\nx\n`);
    p.parsed = { ...p.parsed!, tnefFailed: true };
    const v = await contentStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['rejected', 'rich_text', true]);
    const ok = await context(`${head}Content-Type: text/plain\n\nx\n`);
    ok.parsed = { ...ok.parsed!, tnef: true };
    assert.deepEqual(await contentStep.run(ok), { kind: 'continue' });
    assert.deepEqual(ok.notes, ['Outlook Rich Text decoded']);
  });
});

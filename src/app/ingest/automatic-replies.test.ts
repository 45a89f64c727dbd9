import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { replyTarget } from './automatic-replies.js';
import type { SenderAuthResult } from './ports.js';
import type { InboundMail } from '../../domain/entities.js';
import { context } from '../../../test/support/pipeline-step.js';

const auth = (o: Partial<SenderAuthResult>): SenderAuthResult => ({ spf: 'none', dkim: 'none', dmarc: 'none', dmarcFailed: false, authenticated: false, spfAligned: false, dkimAligned: false, ...o });

async function target(o: { from: string; envelope: string | null; auth?: SenderAuthResult | null; channel?: InboundMail['channel']; headers?: string }, kind: 'receipt' | 'notice' = 'notice') {
  const p = await context(`${o.headers ?? ''}From: ${o.from}\nTo: support@support.example.com\nSubject: x\n\nText.\n`, { mail: { envelopeFrom: o.envelope, channel: o.channel ?? 'smtp' } });
  p.auth = o.auth ?? null;
  const t = replyTarget(p, kind);
  return 'none' in t ? 'none' : `${t.address}${t.verified ? ' (verified)' : ' (unverified)'}`;
}

describe('who a receipt or notice may go to (RELIABILITY E1)', () => {
  test('SPF aligned with From: the notice to the envelope sender, the receipt to From', async () => {
    const o = { from: 'Anna <anna@kunde.example>', envelope: 'bounces@mail.kunde.example', auth: auth({ spf: 'pass', spfAligned: true, authenticated: true }) };
    assert.equal(await target(o, 'notice'), 'bounces@mail.kunde.example (verified)');
    assert.equal(await target(o, 'receipt'), 'anna@kunde.example (verified)');
  });

  test('an aligned DKIM signature: both to From, whatever the envelope says', async () => {
    const o = { from: 'anna@kunde.example', envelope: 'someone@elsewhere.example', auth: auth({ spf: 'fail', dkim: 'pass', dkimAligned: true, authenticated: true }) };
    assert.equal(await target(o, 'notice'), 'anna@kunde.example (verified)');
    assert.equal(await target(o, 'receipt'), 'anna@kunde.example (verified)');
  });

  test('the attack: SPF pass for the attacker’s own domain, forged From → nobody', async () => {
    assert.equal(await target({ from: 'Anna <anna@kunde.example>', envelope: 'attacker@evil.example', auth: auth({ spf: 'pass', authenticated: true }) }), 'none');
    assert.equal(await target({ from: 'Anna <anna@kunde.example>', envelope: 'attacker@evil.example', auth: auth({ spf: 'pass', authenticated: true }) }, 'receipt'), 'none');
  });

  test('SPF fail or softfail without aligned DKIM → nobody, even with envelope = From', async () => {
    for (const spf of ['fail', 'softfail']) assert.equal(await target({ from: 'anna@kunde.example', envelope: 'anna@kunde.example', auth: auth({ spf }) }), 'none', spf);
  });

  test('no verdict (none, temperror) or no check → only envelope = From, unverified', async () => {
    for (const a of [auth({ spf: 'none' }), auth({ spf: 'temperror' }), auth({ spf: 'neutral' }), null]) {
      assert.equal(await target({ from: 'Anna@Kunde.example', envelope: 'anna@kunde.example', auth: a }), 'anna@kunde.example (unverified)');
      assert.equal(await target({ from: 'anna@kunde.example', envelope: 'other@kunde.example', auth: a }), 'none');
      assert.equal(await target({ from: 'anna@kunde.example', envelope: null, auth: a }), 'none');
      assert.equal(await target({ from: 'anna@kunde.example', envelope: '', auth: a }), 'none', 'null sender <>');
    }
  });

  test('a mailbox mail: the Return-Path the delivering server wrote stands for the envelope', async () => {
    assert.equal(await target({ from: 'anna@kunde.example', envelope: null, channel: 'imap', headers: 'Return-Path: <anna@kunde.example>\n' }), 'anna@kunde.example (unverified)');
    assert.equal(await target({ from: 'anna@kunde.example', envelope: null, channel: 'imap', headers: 'Return-Path: <attacker@evil.example>\n' }), 'none');
    assert.equal(await target({ from: 'anna@kunde.example', envelope: null, channel: 'imap', headers: 'Return-Path: <>\n' }), 'none');
    assert.equal(await target({ from: 'anna@kunde.example', envelope: null, channel: 'smtp', headers: 'Return-Path: <anna@kunde.example>\n' }), 'none', 'over SMTP the envelope is the envelope');
  });

  test('no From → nobody', async () => {
    const p = await context('To: support@support.example.com\nSubject: x\n\nText.\n', { mail: { envelopeFrom: 'anna@kunde.example' } });
    assert.deepEqual(replyTarget(p, 'notice'), { none: 'the mail has no From address to judge the sender by' });
  });
});

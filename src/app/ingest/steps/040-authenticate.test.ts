import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { authenticateStep } from './040-authenticate.js';
import type { SenderAuthResult, SenderAuthenticator } from '../ports.js';
import { context } from '../../../../test/support/pipeline-step.js';
import { lmtpPeerTrust } from '../../../ingest-deps.js';

const RAW = `From: anna@kunde.example
To: support@support.example.com
Subject: Re: [Case #7] Export

Text.
`;

function fixed(result: SenderAuthResult, seen: unknown[] = []): SenderAuthenticator {
  return { check: async (_raw, env) => (seen.push(env), result) };
}

describe('040-authenticate', () => {
  test('S4: the From domain fails its DMARC policy → quarantined/auth_failed, no notice', async () => {
    const seen: unknown[] = [];
    const p = await context(RAW, { deps: { authenticator: fixed({ spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcFailed: true, authenticated: false, spfAligned: false, dkimAligned: false }, seen) } });
    const v = await authenticateStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['quarantined', 'auth_failed', false]);
    assert.deepEqual(seen, [{ ip: '127.0.0.1', helo: null, sender: 'anna@kunde.example' }]);
    assert.equal(p.auth?.dmarc, 'fail');
  });

  test('SPF or DKIM pass → continue, the result kept for the notice rules', async () => {
    const p = await context(RAW, { deps: { authenticator: fixed({ spf: 'pass', dkim: 'none', dmarc: 'pass', dmarcFailed: false, authenticated: true, spfAligned: true, dkimAligned: false }) } });
    assert.deepEqual(await authenticateStep.run(p), { kind: 'continue' });
    assert.equal(p.auth?.authenticated, true);
  });

  test('RELIABILITY E4: a mail an agent released is not held again for DMARC; the result stays recorded', async () => {
    const fail: SenderAuthResult = { spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcFailed: true, authenticated: false, spfAligned: false, dkimAligned: false };
    const p = await context(RAW, { deps: { authenticator: fixed(fail) } });
    p.released = true;
    assert.deepEqual(await authenticateStep.run(p), { kind: 'continue' });
    assert.equal(p.auth?.dmarc, 'fail');
    assert.match(p.notes.join(), /released by an agent/);
    assert.match(p.notes.join(), /sender not verified/);
  });

  test('a DNS failure (temperror) decides nothing against the mail', async () => {
    const p = await context(RAW, { deps: { authenticator: fixed({ spf: 'temperror', dkim: 'none', dmarc: 'temperror', dmarcFailed: false, authenticated: false, spfAligned: false, dkimAligned: false }) } });
    assert.deepEqual(await authenticateStep.run(p), { kind: 'continue' });
  });

  test('mailbox and pipe mail, or the check turned off → not checked', async () => {
    const never: SenderAuthenticator = { check: () => Promise.reject(new Error('must not be called')) };
    for (const channel of ['imap', 'pipe'] as const) {
      const p = await context(RAW, { mail: { channel }, deps: { authenticator: never } });
      assert.deepEqual(await authenticateStep.run(p), { kind: 'continue' });
      assert.equal(p.auth, null);
    }
    const off = await context(RAW, { deps: { authenticator: null } });
    assert.deepEqual(await authenticateStep.run(off), { kind: 'continue' });
    assert.match(off.notes.join(), /not authenticated/);
  });
});

describe('040-authenticate behind an MTA (LMTP)', () => {
  const PASS: SenderAuthResult = { spf: 'pass', dkim: 'none', dmarc: 'pass', dmarcFailed: false, authenticated: true, spfAligned: true, dkimAligned: false };

  test('SPF judges the client of the topmost Received header, not the MTA that spoke LMTP to us', async () => {
    const seen: Array<{ ip: string | null; helo: string | null }> = [];
    const raw = `Received: from mail.kunde.example (mail.kunde.example [203.0.113.7])\n\tby mx.vendor.example (Postfix) with ESMTPS id 4F; Thu, 26 Nov 2026 10:00:00 +0100\n${RAW}`;
    const p = await context(raw, { mail: { channel: 'lmtp', remoteIp: '127.0.0.1' }, deps: { authenticator: fixed(PASS, seen), trustsReceivedFrom: lmtpPeerTrust(['loopback']) } });
    await authenticateStep.run(p);
    assert.deepEqual(seen.map((e) => [e.ip, e.helo]), [['203.0.113.7', 'mail.kunde.example']]);
  });

  test('RELIABILITY E8: a peer that is not a configured MTA cannot choose the client SPF judges by writing a Received header', async () => {
    const raw = `Received: from mail.kunde.example (mail.kunde.example [203.0.113.7])\n\tby mx.vendor.example (Postfix); Thu, 26 Nov 2026 10:00:00 +0100\n${RAW}`;
    for (const [peer, trusted] of [['198.51.100.66', ['loopback']], ['127.0.0.1', ['192.0.2.25']], ['127.0.0.1', []]] as const) {
      const seen: Array<{ ip: string | null; helo: string | null }> = [];
      const p = await context(raw, { mail: { channel: 'lmtp', remoteIp: peer }, deps: { authenticator: fixed(PASS, seen), trustsReceivedFrom: lmtpPeerTrust(trusted) } });
      await authenticateStep.run(p);
      assert.deepEqual(seen.map((e) => [e.ip, e.helo]), [[peer, null]], `peer ${peer}, trusted ${trusted.join(',') || 'none'}`);
      assert.match(p.notes.join(), /Received headers not trusted/);
    }
    // Without a trust function (tests, the CLI) nobody is trusted.
    const seen: Array<{ ip: string | null }> = [];
    await authenticateStep.run(await context(raw, { mail: { channel: 'lmtp', remoteIp: '127.0.0.1' }, deps: { authenticator: fixed(PASS, seen) } }));
    assert.equal(seen[0]!.ip, '127.0.0.1');
  });

  test('RELIABILITY E8: the trust list takes IPs, CIDRs and names; a Unix socket peer (no IP) is local', () => {
    const trust = lmtpPeerTrust(['192.0.2.0/24', 'loopback']);
    assert.deepEqual(['192.0.2.25', '127.0.0.1', '::1', '198.51.100.1', '', 'not-an-ip'].map(trust), [true, true, true, false, false, false]);
    assert.equal(trust(null), true);
    assert.equal(lmtpPeerTrust([])('127.0.0.1'), false);
  });

  test('over SMTP the connecting peer is the client', async () => {
    const seen: Array<{ ip: string | null }> = [];
    const raw = `Received: from elsewhere ([198.51.100.9])\n${RAW}`;
    const p = await context(raw, { mail: { channel: 'smtp', remoteIp: '192.0.2.44' }, deps: { authenticator: fixed(PASS, seen) } });
    await authenticateStep.run(p);
    assert.equal(seen[0]!.ip, '192.0.2.44');
  });
});

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { plainMail } from '../support/mail-builders.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { openRawSpool } from '../../src/app/ingest/receive-mail.js';
import { createIngestDeps, lmtpPeerTrust } from '../../src/ingest-deps.js';
import { createMailauthAuthenticator } from '../../src/inbound/sender-auth/mailauth-authenticator.js';
import { recipientFilter, startInbound } from '../../src/start-inbound.js';
import { startSmtpListener, type SmtpListener } from '../../src/inbound/sources/smtp-listener.js';
import { parseMail } from '../../src/inbound/parse/mime-parser.js';
import { loadConfig, ConfigError } from '../../src/config/config.js';
import { startTestListener } from '../support/test-listener.js';

const SUPPORT = 'support@support.example.com';

/** kunde.example sends only from 203.0.113.7 and asks receivers to reject what fails DMARC. */
const RECORDS: Record<string, string> = {
  'kunde.example': 'v=spf1 ip4:203.0.113.7 -all',
  '_dmarc.kunde.example': 'v=DMARC1; p=reject',
};
async function fixedResolver(name: string, type: string): Promise<string[][]> {
  const record = type === 'TXT' ? RECORDS[name.toLowerCase()] : undefined;
  if (record) return [[record]];
  throw Object.assign(new Error(`queryTxt ENODATA ${name}`), { code: 'ENODATA' });
}

/**
 * A minimal LMTP client over a real socket (TCP or Unix): LHLO, one recipient, DATA. Returns the
 * reply to the final dot.
 */
async function lmtpSend(target: { port: number } | { path: string }, from: string, to: string, raw: Buffer): Promise<string> {
  const socket: Socket = 'path' in target ? connect(target.path) : connect(target.port, '127.0.0.1');
  let buffered = '';
  const waiters: Array<(line: string) => void> = [];
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    let i: number;
    while ((i = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 2);
      // Only the last line of a multi-line reply (`250 ` rather than `250-`) completes it.
      if (/^\d{3} /.test(line)) waiters.shift()?.(line);
    }
  });
  const reply = () => new Promise<string>((resolve) => waiters.push(resolve));
  const command = async (line: string, expect: string) => {
    const r = reply();
    socket.write(`${line}\r\n`);
    const got = await r;
    assert.ok(got.startsWith(expect), `${line} → ${got}`);
  };
  assert.match(await reply(), /^220 /);
  await command('LHLO client.example', '250');
  await command(`MAIL FROM:<${from}>`, '250');
  await command(`RCPT TO:<${to}>`, '250');
  await command('DATA', '354');
  const done = reply();
  const body = raw.toString('latin1').replace(/^\./gm, '..');
  socket.write(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
  const answer = await done;
  socket.end('QUIT\r\n');
  return answer;
}

/** A mail "from" kunde.example with a Received header that names kunde.example's real server. */
function withForgedReceived(subject: string): Buffer {
  const received = 'Received: from mail.kunde.example (mail.kunde.example [203.0.113.7])\r\n\tby mx.vendor.example (Postfix) with ESMTPS id 4F; Thu, 26 Nov 2026 10:00:00 +0100\r\n';
  return Buffer.concat([Buffer.from(received, 'latin1'), plainMail({ from: 'anna@kunde.example', to: SUPPORT, subject, body: 'Please send the licence keys to my new address.' })]);
}

for (const dialect of testedDialects()) {
  describe(`LMTP is for a local MTA only (RELIABILITY E8) on ${dialect}`, () => {
    let rt: TestRuntime;
    let caseNumber: number;
    let listener: SmtpListener;

    before(async () => {
      rt = await testRuntime(dialect);
      await addUser(rt.ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'en' });
      caseNumber = (await openCase(rt.ctx, { customer: 'anna@kunde.example', subject: 'Licence', body: 'Keys please.' })).number;
      listener = await startTestListener(rt, { lmtp: true });
    });
    after(async () => {
      await listener.stopAccepting();
      await rt.dispose();
    });

    async function deliverAndProcess(trusted: string[], subject: string) {
      const deps = createIngestDeps(rt.config, {
        parser: { parse: (raw) => parseMail(raw) },
        authenticator: createMailauthAuthenticator({ mta: 'mx.support.example.com', resolver: fixedResolver }),
        trustsReceivedFrom: lmtpPeerTrust(trusted),
      });
      const answer = await lmtpSend({ port: listener.port }, 'anna@kunde.example', SUPPORT, withForgedReceived(subject));
      assert.match(answer, /^250 /);
      const id = /stored as ([0-9a-f-]{36})/.exec(answer)![1]!;
      await runInboundJobsOnce(rt.ctx, deps, { workerId: 'lmtp' });
      const mail = (await rt.ctx.store.inbound.findById(id))!;
      assert.equal(mail.remoteIp, '127.0.0.1');
      return mail;
    }

    test('a client connecting directly cannot pass SPF or DMARC by writing its own Received header', async () => {
      // The configured MTA is another machine: the connecting client is judged itself.
      const direct = await deliverAndProcess(['192.0.2.25'], `Re: [Case #${caseNumber}] keys`);
      assert.deepEqual([direct.status, direct.reason], ['quarantined', 'auth_failed']);
      assert.match(direct.detail ?? '', /DMARC fail, SPF fail/);
      assert.match(direct.detail ?? '', /Received headers not trusted: LMTP peer 127\.0\.0\.1/);
      assert.equal(direct.senderVerification, 'unverified');
    });

    test('from a configured MTA the same header is believed: SPF judges the client it names', async () => {
      const viaMta = await deliverAndProcess(['127.0.0.1'], `Re: [Case #${caseNumber}] keys again`);
      assert.equal(viaMta.status, 'accepted', viaMta.detail ?? '');
      assert.equal(viaMta.senderVerification, 'verified');
    });

    test('LMTP binds loopback by default, not the SMTP address; the default trusts only loopback', async () => {
      const c = loadConfig({ SUPPORTAL_DATA_DIR: rt.env.SUPPORTAL_DATA_DIR, SUPPORTAL_SECRET: rt.env.SUPPORTAL_SECRET, SUPPORTAL_SMTP_HOST: '0.0.0.0' });
      assert.deepEqual([c.smtpHost, c.lmtpHost, c.lmtpTrustedMtas, c.lmtpSocket], ['0.0.0.0', '127.0.0.1', ['loopback'], null]);
      const inbound = await startInbound({ ...rt, config: { ...rt.config, smtpHost: '0.0.0.0', smtpPort: 0, lmtpPort: 0, workers: false } }, { onMailQueued: () => undefined });
      try {
        assert.match(inbound.smtpAddress ?? '', /^0\.0\.0\.0:\d+$/);
        assert.match(inbound.lmtpAddress ?? '', /^127\.0\.0\.1:\d+$/);
      } finally {
        await inbound.stopAccepting();
        await inbound.drain();
      }
      assert.throws(
        () => loadConfig({ SUPPORTAL_DATA_DIR: rt.env.SUPPORTAL_DATA_DIR, SUPPORTAL_SECRET: rt.env.SUPPORTAL_SECRET, SUPPORTAL_LMTP_TRUSTED_MTAS: 'mx.example.com' }),
        (e: Error) => e instanceof ConfigError && /SUPPORTAL_LMTP_TRUSTED_MTAS/.test(e.message),
      );
      assert.throws(
        () => loadConfig({ SUPPORTAL_DATA_DIR: rt.env.SUPPORTAL_DATA_DIR, SUPPORTAL_SECRET: rt.env.SUPPORTAL_SECRET, SUPPORTAL_LMTP_SOCKET: '/run/x.sock', SUPPORTAL_LMTP_PORT: '24' }),
        (e: Error) => e instanceof ConfigError && /SUPPORTAL_LMTP_SOCKET/.test(e.message),
      );
    });

    test('on a Unix socket (mode 0660) the local MTA is trusted; the mail has no peer IP', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'supportal-lmtp-'));
      const path = join(dir, 'lmtp.sock');
      const sock = await startSmtpListener({
        host: '127.0.0.1', port: 0, path, lmtp: true, maxMessageBytes: rt.config.maxMessageBytes,
        acceptsRecipient: recipientFilter(rt), openSpool: (envelope) => openRawSpool(rt.ctx, envelope), log: rt.log,
      });
      try {
        assert.equal(sock.address, `unix:${path}`);
        assert.equal(statSync(path).mode & 0o777, 0o660);
        const answer = await lmtpSend({ path }, 'anna@kunde.example', SUPPORT, withForgedReceived(`Re: [Case #${caseNumber}] via socket`));
        const id = /stored as ([0-9a-f-]{36})/.exec(answer)![1]!;
        const deps = createIngestDeps(rt.config, {
          parser: { parse: (raw) => parseMail(raw) },
          authenticator: createMailauthAuthenticator({ mta: 'mx.support.example.com', resolver: fixedResolver }),
        });
        await runInboundJobsOnce(rt.ctx, deps, { workerId: 'lmtp-socket' });
        const mail = (await rt.ctx.store.inbound.findById(id))!;
        assert.equal(mail.remoteIp, null);
        assert.equal(mail.status, 'accepted', mail.detail ?? '');
      } finally {
        await sock.stopAccepting();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

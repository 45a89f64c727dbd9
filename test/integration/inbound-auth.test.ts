import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import dns from 'node:dns';
import { dkimSign } from 'mailauth';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { plainMail, smtplibSend } from '../support/mail-builders.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { rawMailFromBuffer } from '../../src/domain/raw-mail.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { createMailauthAuthenticator } from '../../src/inbound/sender-auth/mailauth-authenticator.js';
import { type SmtpListener } from '../../src/inbound/sources/smtp-listener.js';
import { parseMail } from '../../src/inbound/parse/mime-parser.js';
import { startTestListener } from '../support/test-listener.js';

const SUPPORT = 'support@support.example.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * The only DNS of these tests. kunde.example sends from 127.0.0.1 (where the test client is);
 * partner.example and bank.example send from elsewhere, so only a DKIM signature can prove
 * their mail; all three ask receivers to reject what fails DMARC.
 */
const RECORDS: Record<string, string> = {
  'kunde.example': 'v=spf1 ip4:127.0.0.1 -all',
  '_dmarc.kunde.example': 'v=DMARC1; p=reject',
  'partner.example': 'v=spf1 ip4:192.0.2.10 -all',
  '_dmarc.partner.example': 'v=DMARC1; p=reject',
  'sel._domainkey.partner.example': `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  'bank.example': 'v=spf1 ip4:192.0.2.20 -all',
  '_dmarc.bank.example': 'v=DMARC1; p=reject',
};

const lookups: string[] = [];
const unexpected: string[] = [];
async function fixedResolver(name: string, type: string): Promise<string[][]> {
  lookups.push(`${type} ${name}`);
  const record = type === 'TXT' ? RECORDS[name.toLowerCase()] : undefined;
  if (record) return [[record]];
  // Anything else is a lookup the test did not plan: it fails like an unreachable server would.
  unexpected.push(`${type} ${name}`);
  throw Object.assign(new Error(`queryTxt ETIMEOUT ${name}`), { code: 'ETIMEOUT' });
}

async function signed(raw: Buffer): Promise<Buffer> {
  const r = (await dkimSign(raw, { signatureData: [{ signingDomain: 'partner.example', selector: 'sel', privateKey: PRIVATE_PEM }] } as never)) as { signatures: string; errors: unknown[] };
  assert.deepEqual(r.errors, []);
  return Buffer.concat([Buffer.from(r.signatures), raw]);
}

for (const dialect of testedDialects()) {
  describe(`sender authentication (SPF/DKIM/DMARC, fixed DNS) on ${dialect}`, () => {
    let rt: TestRuntime;
    let deps: IngestDeps;
    let listener: SmtpListener;
    let caseNumber: number;
    const systemDns: string[] = [];
    const saved = { resolve: dns.promises.resolve, resolveTxt: dns.promises.resolveTxt, cbResolve: dns.resolve, cbResolveTxt: dns.resolveTxt };

    before(async () => {
      // Any lookup through the system resolver would escape the fixed records: count it.
      const escape = (name: string) => {
        systemDns.push(name);
        return Promise.reject(Object.assign(new Error(`system DNS used for ${name}`), { code: 'EREFUSED' }));
      };
      dns.promises.resolve = escape as typeof dns.promises.resolve;
      dns.promises.resolveTxt = escape as typeof dns.promises.resolveTxt;
      dns.resolve = ((name: string, ...rest: unknown[]) => {
        systemDns.push(name);
        (rest.at(-1) as (e: Error) => void)(new Error('system DNS used'));
      }) as typeof dns.resolve;
      dns.resolveTxt = dns.resolve as unknown as typeof dns.resolveTxt;

      rt = await testRuntime(dialect);
      deps = createIngestDeps(rt.config, {
        parser: { parse: (raw) => parseMail(raw) },
        authenticator: createMailauthAuthenticator({ mta: 'mx.support.example.com', resolver: fixedResolver }),
      });
      await addUser(rt.ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'en' });
      // The organisation's admin: he may write to his colleagues' cases (RELIABILITY E7).
      await addUser(rt.ctx, { role: 'customer', email: 'paul@partner.example', name: 'Paul Partner', org: 'Kunde GmbH', lang: 'en', orgAdmin: true });
      await addUser(rt.ctx, { role: 'customer', email: 'berta@bank.example', name: 'Berta Bank', org: 'Kunde GmbH', lang: 'en' });
      caseNumber = (await openCase(rt.ctx, { customer: 'anna@kunde.example', subject: 'Login', body: 'Login fails.' })).number;
      listener = await startTestListener(rt);
    });
    after(async () => {
      Object.assign(dns.promises, { resolve: saved.resolve, resolveTxt: saved.resolveTxt });
      Object.assign(dns, { resolve: saved.cbResolve, resolveTxt: saved.cbResolveTxt });
      await listener.stopAccepting();
      await rt.dispose();
    });

    /** Sends over SMTP, runs the worker, returns the mail, its auth result and what was queued for it. */
    async function sendAndProcess(envelopeFrom: string, raw: Buffer) {
      const sent = await smtplibSend(listener.port, envelopeFrom, [SUPPORT], raw);
      assert.equal(sent.code, 250, sent.detail);
      const id = /stored as ([0-9a-f-]{36})/.exec(sent.detail)![1]!;
      const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: 'auth' });
      assert.deepEqual(r.deferred, [], 'decided, not deferred');
      const mail = (await rt.ctx.store.inbound.findById(id))!;
      assert.equal(mail.remoteIp, '127.0.0.1');
      const queued = (await rt.ctx.store.outbound.list({ limit: 10_000 })).filter((o) => o.inboundMailId === id);
      return { mail, queued };
    }

    test('S4: a signed mail of 3 MiB is verified from its stored 1 MiB chunks; one byte changed in its last MiB fails it', async () => {
      const lines = Array.from({ length: 42_000 }, (_, i) => `Zeile ${i} des langen Protokolls, das der Kunde mitschickt.`).join('\r\n');
      const raw = await signed(plainMail({ from: 'Paul Partner <paul@partner.example>', to: SUPPORT, subject: `AW: [Case #${caseNumber}] Login`, body: lines, messageId: 'dkim-big@partner.example' }));
      assert.ok(raw.length > 2 * 1024 * 1024, `${raw.length} bytes: stored in chunks`);
      const good = await sendAndProcess('paul@partner.example', raw);
      // The stored bytes first: a verdict on other bytes than those sent would be another fault.
      const stored = (await rt.ctx.store.inbound.raw(good.mail.id))!;
      assert.ok(stored.equals(raw), `stored as sent (${stored.length} of ${raw.length} bytes)`);
      assert.equal(good.mail.status, 'accepted', JSON.stringify({ decisions: good.mail.decisions, detail: good.mail.detail }));
      const altered = Buffer.from(raw);
      altered[raw.length - 100] = altered[raw.length - 100] === 0x58 ? 0x59 : 0x58; // inside the last chunk; the same Message-ID with another body is no duplicate
      const bad = await sendAndProcess('paul@partner.example', altered);
      assert.deepEqual([bad.mail.status, bad.mail.reason], ['quarantined', 'auth_failed']);
    });

    test('S4: p=reject, no DKIM, SPF fail → quarantined/auth_failed, no notice even to a known contact', async () => {
      const raw = plainMail({ from: 'Berta Bank <berta@bank.example>', to: SUPPORT, subject: `Re: [Case #${caseNumber}] Login`, body: 'Please change my bank details.' });
      const { mail, queued } = await sendAndProcess('berta@bank.example', raw);
      assert.deepEqual([mail.status, mail.reason], ['quarantined', 'auth_failed']);
      assert.match(mail.detail ?? '', /DMARC fail, SPF fail, DKIM none/);
      assert.deepEqual(queued, [], 'no notice: the sender may be forged');
    });

    test('L7: SPF pass for an unknown sender without case reference → rejected, and a notice (authenticated, no backscatter risk)', async () => {
      const raw = plainMail({ from: 'fremd@kunde.example', to: SUPPORT, subject: 'New problem', body: 'Please open a case.' });
      const { mail, queued } = await sendAndProcess('fremd@kunde.example', raw);
      assert.deepEqual([mail.status, mail.reason], ['rejected', 'no_case_reference']);
      assert.deepEqual(queued.map((o) => [o.kind, o.recipients]), [['notice', ['fremd@kunde.example']]]);
    });

    test('L7, RELIABILITY E1: an unknown sender whose DNS cannot be read → temperror, still decided: rejected; a notice only when the envelope sender is the From', async () => {
      const before = unexpected.length;
      const raw = plainMail({ from: 'someone@nowhere.example', to: SUPPORT, subject: 'CHEAP PILLS at nowhere.example', body: 'Hello?' });
      const { mail, queued } = await sendAndProcess('other@nowhere.example', raw);
      assert.ok(unexpected.length > before, 'the resolver was asked about nowhere.example and failed');
      assert.deepEqual([mail.status, mail.reason], ['rejected', 'no_case_reference']);
      assert.deepEqual(queued, [], 'no notice: unverified, and the envelope sender is not the From');
      assert.match(mail.detail ?? '', /no backscatter/);

      // Authentication unavailable and envelope = From: at most the owner of that address is told, without his subject.
      const same = await sendAndProcess('someone@nowhere.example', plainMail({ from: 'someone@nowhere.example', to: SUPPORT, subject: 'CHEAP PILLS again', body: 'Hello?' }));
      assert.deepEqual(same.queued.map((o) => [o.kind, o.recipients]), [['notice', ['someone@nowhere.example']]]);
      assert.doesNotMatch(same.queued[0]!.subject, /PILLS/);
      assert.doesNotMatch((await rt.ctx.store.outbound.raw(same.queued[0]!.id))!.toString('utf8'), /PILLS/);
    });

    test('S4: a valid DKIM signature authenticates a sender whose SPF fails; the same mail unsigned or altered is quarantined', async () => {
      const body = (id: string) => plainMail({ from: 'Paul Partner <paul@partner.example>', to: SUPPORT, subject: `AW: [Case #${caseNumber}] Login`, body: 'Works again, thanks.', messageId: id });
      const goodRaw = await signed(body('dkim-good@partner.example'));
      const verdict = await createMailauthAuthenticator({ mta: 'mx.support.example.com', resolver: fixedResolver }).check(rawMailFromBuffer(goodRaw), { ip: '127.0.0.1', helo: null, sender: 'paul@partner.example' });
      assert.deepEqual(verdict, { spf: 'fail', dkim: 'pass', dmarc: 'pass', dmarcFailed: false, authenticated: true, spfAligned: false, dkimAligned: true });
      const good = await sendAndProcess('paul@partner.example', goodRaw);
      assert.equal(good.mail.status, 'accepted', JSON.stringify(good.mail.decisions));
      assert.equal(good.mail.caseNumber, caseNumber);
      assert.deepEqual(good.queued.map((o) => o.kind), ['receipt']);

      const unsigned = await sendAndProcess('paul@partner.example', body('dkim-none@partner.example'));
      assert.deepEqual([unsigned.mail.status, unsigned.mail.reason], ['quarantined', 'auth_failed']);

      const tampered = Buffer.from((await signed(body('dkim-bad@partner.example'))).toString('latin1').replace('Works again, thanks.', 'Send money to X.'), 'latin1');
      const bad = await sendAndProcess('paul@partner.example', tampered);
      assert.deepEqual([bad.mail.status, bad.mail.reason], ['quarantined', 'auth_failed']);
      assert.match(bad.mail.detail ?? '', /DKIM (fail|neutral)/);
      assert.deepEqual(bad.queued, []);
    });

    test('SPF pass of a known customer → accepted; DNS is only ever the fixed resolver', async () => {
      const raw = plainMail({ from: 'anna@kunde.example', to: SUPPORT, subject: `Re: [Case #${caseNumber}] Login`, body: 'Thanks!' });
      const { mail } = await sendAndProcess('anna@kunde.example', raw);
      assert.equal(mail.status, 'accepted', JSON.stringify(mail.decisions));
      assert.ok(lookups.includes('TXT kunde.example') && lookups.includes('TXT _dmarc.kunde.example'), lookups.join(', '));
      assert.deepEqual(systemDns, [], 'no lookup escaped to the system resolver');
      assert.deepEqual(lookups.filter((l) => l.includes('_bimi.')), [], 'no BIMI lookups: they decide nothing here');
    });
  });
}

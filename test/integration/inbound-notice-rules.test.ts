import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { plainMail, smtplibSend } from '../support/mail-builders.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { reprocessInboundMail } from '../../src/app/ingest/reprocess.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { installationSettingsFor } from '../../src/composition.js';
import { updateInstallationSettings, type InstallationSettings } from '../../src/app/settings/installation-settings.js';
import { createMailauthAuthenticator } from '../../src/inbound/sender-auth/mailauth-authenticator.js';
import { type SmtpListener } from '../../src/inbound/sources/smtp-listener.js';
import { parseMail } from '../../src/inbound/parse/mime-parser.js';
import { mailLogEntry, messageView } from '../../src/app/portal/views.js';
import { startTestListener } from '../support/test-listener.js';

const SUPPORT = 'support@support.example.com';
/** A Message-ID of ours in References or In-Reply-To (the sender's own Message-ID may be answered). */
const OUR_REFERENCE = /^(References|In-Reply-To):[^\n]*@support\.example\.com>/m;

/**
 * The DNS of these tests (the client is 127.0.0.1). kunde.example authorises 127.0.0.1 by SPF;
 * evil.example too (the attacker's own domain, SPF pass but not the From's); strict.example
 * lists another server only (SPF fail) and publishes no DMARC; every other name has no records.
 */
const RECORDS: Record<string, string> = {
  'kunde.example': 'v=spf1 ip4:127.0.0.1 -all',
  'evil.example': 'v=spf1 ip4:127.0.0.1 -all',
  'strict.example': 'v=spf1 ip4:192.0.2.99 -all',
};

async function fixedResolver(name: string, type: string): Promise<string[][]> {
  const record = type === 'TXT' ? RECORDS[name.toLowerCase()] : undefined;
  if (record) return [[record]];
  throw Object.assign(new Error(`queryTxt ENODATA ${name}`), { code: 'ENODATA' });
}

/** A reply with an .exe attached: rejected as `attachment_type` after the sender was authorised. */
function withExe(o: { from: string; subject: string }): Buffer {
  const b = 'b-exe-1';
  return Buffer.from(
    [
      `From: ${o.from}`,
      `To: ${SUPPORT}`,
      `Subject: ${o.subject}`,
      'Date: Thu, 26 Nov 2026 10:00:00 +0100',
      `Message-ID: <${Math.random().toString(36).slice(2)}@client.example.org>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Please run the attached tool.',
      `--${b}`,
      'Content-Type: application/octet-stream; name="tool.exe"',
      'Content-Disposition: attachment; filename="tool.exe"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('MZ\x90\x00 this is not really a program').toString('base64'),
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

for (const dialect of testedDialects()) {
  describe(`who gets receipts and notices, and what they say (RELIABILITY E1, E2, E3, E4) on ${dialect}`, () => {
    let rt: TestRuntime;
    let deps: IngestDeps;
    let installation: InstallationSettings;
    let listener: SmtpListener;
    let caseNumber: number;
    const CASE_SUBJECT = 'Licence server of Kunde GmbH';

    before(async () => {
      // Three automatic mails per address, and so three notices per domain, per hour.
      rt = await testRuntime(dialect, { SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '3' });
      installation = installationSettingsFor(rt).installation;
      deps = createIngestDeps(rt.config, {
        parser: { parse: (raw) => parseMail(raw) },
        authenticator: createMailauthAuthenticator({ mta: 'mx.support.example.com', resolver: fixedResolver }),
        settings: installation,
      });
      await addUser(rt.ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'en' });
      await addUser(rt.ctx, { role: 'customer', email: 'stefan@strict.example', name: 'Stefan Strict', org: 'Strict AG', lang: 'en' });
      await addUser(rt.ctx, { role: 'customer', email: 'nora@nodns.example', name: 'Nora Nodns', org: 'Nodns KG', lang: 'en' });
      caseNumber = (await openCase(rt.ctx, { customer: 'anna@kunde.example', subject: CASE_SUBJECT, body: 'The licence server stopped.' })).number;
      listener = await startTestListener(rt);
    });
    after(async () => {
      await listener.stopAccepting();
      await rt.dispose();
    });

    async function sendAndProcess(envelopeFrom: string, raw: Buffer) {
      const sent = await smtplibSend(listener.port, envelopeFrom, [SUPPORT], raw);
      assert.equal(sent.code, 250, sent.detail);
      const id = /stored as ([0-9a-f-]{36})/.exec(sent.detail)![1]!;
      const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: 'rules' });
      assert.deepEqual(r.deferred, [], 'decided, not deferred');
      const mail = (await rt.ctx.store.inbound.findById(id))!;
      const queued = (await rt.ctx.store.outbound.list({ limit: 10_000 })).filter((o) => o.inboundMailId === id);
      const raws = await Promise.all(queued.map(async (o) => (await rt.ctx.store.outbound.raw(o.id))!.toString('utf8')));
      return { mail, queued, raws };
    }

    test('RELIABILITY E1: envelope attacker@, forged From of a customer, the case token and an .exe → no notice at all (not to the attacker, not to the customer)', async () => {
      const raw = withExe({ from: 'Anna Kunde <anna@kunde.example>', subject: `Re: [Case #${caseNumber}] please` });
      const { mail, queued } = await sendAndProcess('attacker@evil.example', raw);
      assert.deepEqual([mail.status, mail.reason], ['rejected', 'attachment_type']);
      assert.deepEqual(queued, [], 'SPF passed for evil.example, which is not the From domain');
      assert.match(mail.detail ?? '', /envelope sender attacker@evil\.example is not the From address \(no backscatter\)/);
      assert.equal(mail.senderVerification, 'unverified');
    });

    test('RELIABILITY E1: envelope = forged From, but SPF fails for that domain → no notice (the owner did not send it)', async () => {
      const raw = withExe({ from: 'stefan@strict.example', subject: 'Re: anything' });
      const { mail, queued } = await sendAndProcess('stefan@strict.example', raw);
      assert.equal(mail.status, 'rejected');
      assert.deepEqual(queued, []);
      assert.match(mail.detail ?? '', /SPF fail .*\(no backscatter\)/);
    });

    test('RELIABILITY E1, E2: the verified customer gets the notice naming her case; a stranger gets neither the case nor his own subject back', async () => {
      const own = await sendAndProcess('anna@kunde.example', withExe({ from: 'Anna Kunde <anna@kunde.example>', subject: `Re: [Case #${caseNumber}] log files` }));
      assert.deepEqual([own.mail.status, own.mail.reason], ['rejected', 'attachment_type']);
      assert.deepEqual(own.queued.map((o) => [o.kind, o.recipients]), [['notice', ['anna@kunde.example']]]);
      assert.match(own.raws[0]!, /^To: Anna Kunde <anna@kunde\.example>/m);
      assert.match(own.raws[0]!, new RegExp(`^Thread-Topic: ${CASE_SUBJECT}`, 'm'), 'her own case, to her authenticated address');
      assert.match(own.raws[0]!, /log files/);
      assert.match(own.raws[0]!, /tool\.exe/);

      // "CHEAP PILLS" from an address without any DNS records, envelope = From: the notice reaches
      // only that address, and carries no word the sender wrote.
      const pills = await sendAndProcess('victim@third.example', withExe({ from: 'victim@third.example', subject: `CHEAP PILLS at pills.example [Case #${caseNumber}]` }));
      assert.deepEqual([pills.mail.status, pills.mail.reason], ['rejected', 'unknown_sender']);
      assert.deepEqual(pills.queued.map((o) => [o.kind, o.recipients]), [['notice', ['victim@third.example']]]);
      const n = pills.raws[0]!;
      for (const leaked of [/PILLS/i, /pills\.example/, /tool\.exe/, /^Thread-Topic:/m, OUR_REFERENCE, new RegExp(CASE_SUBJECT), /Anna/]) assert.doesNotMatch(n, leaked);
      assert.match(n, /^To: victim@third\.example$/m);
      assert.match(n, /nicht wiederholt/, 'in the default language (de): the subject is not repeated');
    });

    test('RELIABILITY E3: notices are capped per recipient domain, not only per address', async () => {
      const outcomes = [];
      for (const who of ['a', 'b', 'c', 'd']) {
        const r = await sendAndProcess(`${who}@flood.example`, plainMail({ from: `${who}@flood.example`, to: SUPPORT, subject: 'hello', body: 'x' }));
        outcomes.push([r.mail.reason, r.queued.length]);
        if (who === 'd') assert.match(r.mail.detail ?? '', /3 notices to addresses at flood\.example in the last hour \(per-domain cap\)/);
      }
      assert.deepEqual(outcomes, [['no_case_reference', 1], ['no_case_reference', 1], ['no_case_reference', 1], ['no_case_reference', 0]]);
    });

    test('RELIABILITY E4, E1: an unverified customer reply is accepted and marked (default); its receipt names no case subject and no thread', async () => {
      const c = await openCase(rt.ctx, { customer: 'nora@nodns.example', subject: 'Secret project Nodns', body: 'Start.' });
      const { mail, queued, raws } = await sendAndProcess('nora@nodns.example', plainMail({ from: 'Nora <nora@nodns.example>', to: SUPPORT, subject: `Re: [Case #${c.number}] Secret project Nodns`, body: 'More details.' }));
      assert.equal(mail.status, 'accepted', JSON.stringify(mail.decisions));
      assert.equal(mail.senderVerification, 'unverified');
      assert.equal(mailLogEntry(mail, true, true, rt.ctx.mail.publicUrl).senderVerification, 'unverified', 'the mail log (staff) shows it');
      assert.equal(mailLogEntry(mail, false, true, rt.ctx.mail.publicUrl).senderVerification, undefined, 'customers do not get the staff field');
      const message = (await rt.ctx.store.messages.listByCase(c.id)).find((m) => m.inboundMailId === mail.id)!;
      assert.equal(message.senderUnverified, true);
      assert.equal(messageView(message, true).senderUnverified, true, 'the API shows it to staff');
      assert.deepEqual(queued.map((o) => [o.kind, o.recipients]), [['receipt', ['nora@nodns.example']]]);
      assert.match(raws[0]!, new RegExp(`\\[Case #${c.number}\\]`), 'the number the sender wrote himself');
      for (const leaked of [/Secret project/, /^Thread-Topic:/m, OUR_REFERENCE, /^X-Supportal-Case:/m]) assert.doesNotMatch(raws[0]!, leaked);
      assert.doesNotMatch(/^Message-ID: .*$/m.exec(raws[0]!)![0], /<sp\.\d/, 'not a signed reference to the case');

      // A verified customer's receipt keeps the case subject and the threading.
      const ok = await sendAndProcess('anna@kunde.example', plainMail({ from: 'anna@kunde.example', to: SUPPORT, subject: `Re: [Case #${caseNumber}] thanks`, body: 'Thanks.' }));
      assert.equal(ok.mail.senderVerification, 'verified');
      assert.match(ok.raws[0]!, new RegExp(`^Thread-Topic: ${CASE_SUBJECT}`, 'm'));
      const okMessage = (await rt.ctx.store.messages.listByCase(ok.mail.caseId!)).find((m) => m.inboundMailId === ok.mail.id)!;
      assert.equal(okMessage.senderUnverified, undefined);
    });

    test('RELIABILITY E4: with "hold", an unverified reply is quarantined for review; "accept" adds it without the mark', async () => {
      const admin = await addUser(rt.ctx, { role: 'admin', email: 'admin@support.example.com', name: 'Admin' });
      await updateInstallationSettings({ installation, clock: rt.ctx.clock, store: rt.ctx.store }, admin, { unverifiedSender: 'hold' });
      const c = await openCase(rt.ctx, { customer: 'nora@nodns.example', subject: 'Held', body: 'Start.' });
      const held = await sendAndProcess('nora@nodns.example', plainMail({ from: 'nora@nodns.example', to: SUPPORT, subject: `Re: [Case #${c.number}] x`, body: 'Hold me.' }));
      assert.deepEqual([held.mail.status, held.mail.reason], ['quarantined', 'auth_failed']);
      assert.match(held.mail.detail ?? '', /held for review/);
      assert.deepEqual(held.queued, [], 'no notice for a held mail');
      // An agent releases it: it is not held again, and added with the mark.
      await reprocessInboundMail(rt.ctx, held.mail.id, { released: true });
      await runInboundJobsOnce(rt.ctx, deps, { workerId: 'rules' });
      assert.equal((await rt.ctx.store.inbound.findById(held.mail.id))?.status, 'accepted');
      const released = (await rt.ctx.store.messages.listByCase(c.id)).find((m) => m.inboundMailId === held.mail.id);
      assert.equal(released?.senderUnverified, true);

      await updateInstallationSettings({ installation, clock: rt.ctx.clock, store: rt.ctx.store }, admin, { unverifiedSender: 'accept' });
      const accepted = await sendAndProcess('nora@nodns.example', plainMail({ from: 'nora@nodns.example', to: SUPPORT, subject: `Re: [Case #${c.number}] y`, body: 'Take me.' }));
      assert.equal(accepted.mail.status, 'accepted');
      const message = (await rt.ctx.store.messages.listByCase(c.id)).find((m) => m.inboundMailId === accepted.mail.id)!;
      assert.equal(message.senderUnverified, undefined);
      await assert.rejects(
        updateInstallationSettings({ installation, clock: rt.ctx.clock, store: rt.ctx.store }, admin, { unverifiedSender: 'drop' as never }),
        (e: { code?: string }) => e.code === 'invalid_input',
      );
      await updateInstallationSettings({ installation, clock: rt.ctx.clock, store: rt.ctx.store }, admin, { unverifiedSender: null });
      assert.equal((await installation.refresh()).unverifiedSender, 'mark');
    });
  });
}

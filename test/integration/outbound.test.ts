import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth';
import { testedDialects, type DialectName } from '../support/databases.js';
import { testRuntime, manualClock, type TestRuntime } from '../support/runtime.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.js';
import { BIN, cli } from '../support/cli.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { AppError } from '../../src/app/errors.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { runOutboxOnce } from '../../src/app/outbound/outbox-relay.js';
import { outboundIdFromVerp } from '../../src/app/outbound/queue-mail.js';
import type { MailTransport } from '../../src/app/outbound/mail-transport.js';
import { createSmtpTransport } from '../../src/outbound/smtp-transport.js';
import { verifyCaseMessageId, verifyPlusAddress } from '../../src/domain/thread-tokens.js';
import { LIMITS } from '../../src/config/limits.js';
import type { Case, OutboundMail } from '../../src/domain/entities.js';

const AGENT = 'agent@support.example.com';
const DE = 'kunde@example.org';
const EN = 'customer@example.net';

function firstAddress(a: AddressObject | AddressObject[] | undefined): string | undefined {
  const o = Array.isArray(a) ? a[0] : a;
  return o?.value[0]?.address;
}

function header(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
  assert.fail(`header ${name} is missing or not a string: ${JSON.stringify(v)}`);
}

function refs(mail: ParsedMail): string[] {
  return mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
}

/** `outbox show ID --raw` as bytes: the CLI prints the stored message unchanged. */
function storedRawViaCli(env: Record<string, string>, id: string): Buffer {
  const r = spawnSync(process.execPath, [BIN, 'outbox', 'show', id, '--raw'], { env: { ...process.env, ...env }, encoding: 'buffer', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

/** The one accepted mail with this Message-ID. */
async function acceptedWithId(sink: SmtpSink, messageId: string): Promise<ReceivedMail> {
  const ids = await Promise.all(sink.accepted.map(async (m) => (await simpleParser(m.raw)).messageId));
  const hits = sink.accepted.filter((_m, i) => ids[i] === `<${messageId}>`);
  assert.equal(hits.length, 1, `exactly one accepted copy of ${messageId}`);
  return hits[0]!;
}

async function row(rt: TestRuntime, id: string): Promise<OutboundMail> {
  const m = await rt.ctx.store.outbound.findById(id);
  assert.ok(m, `outbound mail ${id} exists`);
  return m;
}

for (const dialect of testedDialects()) {
  describe(`outbound mail through a real SMTP relay on ${dialect}`, () => {
    let sink: SmtpSink;
    let rt: TestRuntime;
    let transport: MailTransport;
    const clock = manualClock();
    let subjectNo = 0;

    async function newCase(customer: string): Promise<Case> {
      clock.advance(1000);
      return openCase(rt.ctx, { customer, subject: `Drucker druckt nicht ${++subjectNo}`, body: 'Seit dem Update druckt nichts mehr.\nBitte helfen.' });
    }

    /** One agent reply; the clock moves on so that mails of one case have distinct times. */
    async function reply(c: Case, body: string) {
      clock.advance(1000);
      return addAgentReply(rt.ctx, { caseNumber: c.number, agent: AGENT, body });
    }

    before(async () => {
      sink = await startSmtpSink();
      rt = await testRuntime(dialect, { SUPPORTAL_RELAY_URL: sink.url }, clock);
      transport = createSmtpTransport(sink.url);
      await addUser(rt.ctx, { role: 'agent', email: AGENT, name: 'Anna Agent' });
      await addUser(rt.ctx, { role: 'customer', email: DE, name: 'Klaus Kunde', lang: 'de' });
      await addUser(rt.ctx, { role: 'customer', email: EN, name: 'Chris Customer', lang: 'en' });
    });
    after(async () => {
      transport.close();
      await sink.stop();
      await rt.dispose();
    });
    beforeEach(() => {
      sink.answer(250);
      sink.reset();
    });

    test('an agent reply reaches the relay with sender, Reply-To, signed Message-ID, subject token and thread headers', async () => {
      const c = await newCase(DE);
      const q = await reply(c, 'Bitte installieren Sie Treiber 4.2.\n\nDanach neu starten.');
      const tick = await runOutboxOnce(rt.ctx, transport);
      assert.deepEqual(tick.items.find((i) => i.id === q.outboundId), { id: q.outboundId, outcome: 'sent' });
      await sink.waitFor(1);
      const got = await acceptedWithId(sink, q.messageId);
      const mail = await simpleParser(got.raw);
      const s = rt.ctx.mail;

      // VERP envelope sender naming this outbound mail; the customer as the only recipient.
      assert.equal(got.envelope.from, `bounces+${q.outboundId.replace(/-/g, '')}@support.example.com`);
      assert.equal(outboundIdFromVerp(got.envelope.from.slice('bounces+'.length, got.envelope.from.indexOf('@'))), q.outboundId);
      assert.deepEqual(got.envelope.to, [DE]);

      assert.equal(firstAddress(mail.from), s.supportAddress);
      assert.equal(firstAddress(mail.to), DE);
      const replyTo = firstAddress(mail.replyTo);
      assert.ok(replyTo);
      assert.equal(verifyPlusAddress(s.secret, s.supportAddress, replyTo), c.number, `Reply-To ${replyTo} is the verified plus address`);
      assert.equal(mail.messageId, `<${q.messageId}>`);
      assert.equal(verifyCaseMessageId(s.secret, mail.messageId!, s.mailDomain), c.number);
      assert.equal(verifyCaseMessageId('another-secret-another-secret-0123456', mail.messageId!, s.mailDomain), null, 'the MAC depends on the secret');
      assert.equal(mail.subject, `[Case #${c.number}] ${c.subject}`);
      assert.equal(header(mail, 'thread-topic'), c.subject);
      assert.equal(Buffer.from(header(mail, 'thread-index'), 'base64').length, 22, 'first mail of the thread: 22 bytes');
      assert.equal(header(mail, 'x-supportal-case'), String(c.number));
      assert.equal(mail.headers.get('auto-submitted'), undefined, 'a person wrote this mail');
      assert.equal(mail.inReplyTo, undefined);
      assert.match(got.raw.toString('latin1'), /^Content-Type: multipart\/alternative;/m);
      assert.ok(mail.text && mail.html, 'text and HTML part');

      // Exactly the stored bytes went out.
      assert.ok(storedRawViaCli(rt.env, q.outboundId).equals(got.raw), 'outbox show --raw equals what the relay received');
      const stored = await row(rt, q.outboundId);
      assert.equal(stored.status, 'sent');
      assert.equal(stored.attempts, 1);
      assert.equal(stored.sentAt, clock.now().toISOString());

      // The second reply continues the thread.
      const q2 = await reply(c, 'Hat es geklappt?');
      await runOutboxOnce(rt.ctx, transport);
      await sink.waitFor(2);
      const second = await simpleParser((await acceptedWithId(sink, q2.messageId)).raw);
      assert.equal(second.inReplyTo, `<${q.messageId}>`);
      assert.deepEqual(refs(second), [`<${q.messageId}>`]);
      assert.equal(verifyCaseMessageId(s.secret, second.messageId!, s.mailDomain), c.number);
      assert.notEqual(second.messageId, mail.messageId);
      assert.equal(second.subject, mail.subject);
      const idx1 = Buffer.from(header(mail, 'thread-index'), 'base64');
      const idx2 = Buffer.from(header(second, 'thread-index'), 'base64');
      assert.equal(idx2.length, 27, 'one 5-byte block per earlier mail');
      assert.ok(idx2.subarray(0, 22).equals(idx1), 'same conversation root');
    });

    test('German for a de customer: new text first, the quoted history below it', async () => {
      const c = await newCase(DE);
      const first = await reply(c, 'Erste Antwort vom Support.');
      const q = await reply(c, 'Zweite Antwort vom Support.');
      await runOutboxOnce(rt.ctx, transport);
      await sink.waitFor(2);
      const mail = await simpleParser((await acceptedWithId(sink, q.messageId)).raw);
      const text = mail.text ?? '';
      assert.match(text, /Antworten Sie einfach auf diese E-Mail/);
      assert.doesNotMatch(text, /Simply reply/);
      assert.match(text, /Am .+ UTC schrieb kunde@example\.org:/);
      assert.match(text, /Am .+ UTC schrieb agent@support\.example\.com:/);
      const newText = text.indexOf('Zweite Antwort vom Support.');
      const quotedAgent = text.indexOf('> Erste Antwort vom Support.');
      const quotedCustomer = text.indexOf('> Seit dem Update druckt nichts mehr.');
      assert.ok(newText === 0, 'the new text opens the mail');
      assert.ok(quotedAgent > newText && quotedCustomer > quotedAgent, 'history below, newest first');
      const html = mail.html || '';
      assert.match(html, /<html lang="de">/);
      assert.ok(html.indexOf('Zweite Antwort vom Support.') < html.indexOf('<blockquote'), 'HTML: history below the new text');
      assert.ok(first.messageId !== q.messageId);
    });

    test('English for an en customer', async () => {
      const c = await newCase(EN);
      const q = await reply(c, 'Please install driver 4.2.');
      await runOutboxOnce(rt.ctx, transport);
      await sink.waitFor(1);
      const mail = await simpleParser((await acceptedWithId(sink, q.messageId)).raw);
      assert.match(mail.text ?? '', /^Please install driver 4\.2\.\n/);
      assert.match(mail.text ?? '', /Simply reply to this e-mail/);
      assert.match(mail.text ?? '', /On .+ UTC, customer@example\.net wrote:\n> Seit dem Update/);
      assert.doesNotMatch(mail.text ?? '', /Antworten Sie|schrieb/);
      assert.match(mail.html || '', /<html lang="en">/);
    });

    test('W4: an HTML payload in the agent body shows as text in the HTML part', async () => {
      const c = await newCase(EN);
      const payload = '<script>alert(1)</script><img src=x onerror=alert(2)> & <b>bold</b>';
      const q = await reply(c, payload);
      await runOutboxOnce(rt.ctx, transport);
      await sink.waitFor(1);
      const mail = await simpleParser((await acceptedWithId(sink, q.messageId)).raw);
      const html = mail.html || '';
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;'), html);
      assert.doesNotMatch(html, /<script|<img|onerror=alert\(2\)>|<b>/);
      assert.ok((mail.text ?? '').startsWith(payload), 'the text part keeps it verbatim');
    });

    test('without a relay the mail is held and `outbox list --json` shows it', async () => {
      const c = await newCase(DE);
      const env = { ...rt.env, SUPPORTAL_RELAY_URL: '' };
      const r = cli(['case', 'reply', String(c.number), '--agent', AGENT, '--body', 'Gehalten.', '--json'], env);
      assert.equal(r.status, 0, r.stderr);
      const { outboxId, messageId } = JSON.parse(r.stdout) as { outboxId: string; messageId: string };
      const list = JSON.parse(cli(['outbox', 'list', '--case', String(c.number), '--json'], env).stdout) as Array<{ id: string; status: string; messageId: string }>;
      assert.deepEqual(list.map((m) => [m.id, m.status, m.messageId]), [[outboxId, 'held', messageId]]);
      clock.advance(LIMITS.outboundGiveUpMs);
      const tick = await runOutboxOnce(rt.ctx, transport);
      assert.equal(tick.items.find((i) => i.id === outboxId), undefined, 'a held mail is never sent');
      assert.equal((await row(rt, outboxId)).status, 'held');
      assert.equal(sink.received.length, 0);
      const retry = cli(['outbox', 'retry', outboxId], env);
      assert.equal(retry.status, 1);
      assert.match(retry.stderr, /no relay is configured/);
    });

    test('451 → retrying 45–75 s later with attempts 1; once due and the relay answers 250 → sent', async () => {
      const c = await newCase(DE);
      const q = await reply(c, 'Vorübergehend abgelehnt.');
      sink.answer(451, '4.3.0 Mailbox temporarily locked');
      const t0 = clock.now().getTime();
      const tick = await runOutboxOnce(rt.ctx, transport);
      assert.equal(tick.items.find((i) => i.id === q.outboundId)?.outcome, 'retrying');
      let m = await row(rt, q.outboundId);
      assert.equal(m.status, 'retrying');
      assert.equal(m.attempts, 1);
      assert.match(m.lastError ?? '', /451.*temporarily locked/);
      const delay = new Date(m.nextAttemptAt!).getTime() - t0;
      assert.ok(delay >= 45_000 && delay <= 75_000, `next attempt ${delay} ms later`);
      assert.equal(sink.received.length, 1);
      assert.equal(sink.accepted.length, 0);

      sink.answer(250);
      clock.advance(delay - 1000);
      assert.equal((await runOutboxOnce(rt.ctx, transport)).items.find((i) => i.id === q.outboundId), undefined, 'not due yet');
      clock.advance(1000);
      assert.equal((await runOutboxOnce(rt.ctx, transport)).items.find((i) => i.id === q.outboundId)?.outcome, 'sent');
      await sink.waitFor(1);
      m = await row(rt, q.outboundId);
      assert.equal(m.status, 'sent');
      assert.equal(m.attempts, 2);
      assert.equal(m.lastError, null);
      assert.ok(sink.received[0]!.raw.equals(sink.accepted[0]!.raw), 'the retry sends the same bytes');
    });

    test('relay down → retrying; delivered when it comes back on the same port', async () => {
      const c = await newCase(EN);
      const q = await reply(c, 'Relay outage.');
      const port = sink.port;
      await sink.stop();
      assert.equal((await runOutboxOnce(rt.ctx, transport)).items.find((i) => i.id === q.outboundId)?.outcome, 'retrying');
      const m = await row(rt, q.outboundId);
      assert.equal(m.status, 'retrying');
      assert.match(m.lastError ?? '', /ECONNREFUSED|connect/i);
      await sink.start();
      assert.equal(sink.port, port);
      clock.set(new Date(m.nextAttemptAt!));
      assert.equal((await runOutboxOnce(rt.ctx, transport)).items.find((i) => i.id === q.outboundId)?.outcome, 'sent');
      const [got] = await sink.waitFor(1);
      assert.ok(got!.raw.equals(storedRawViaCli(rt.env, q.outboundId)));
      assert.equal((await row(rt, q.outboundId)).status, 'sent');
    });

    test('550 → failed at once, the error visible in `outbox list`', async () => {
      const c = await newCase(EN);
      const q = await reply(c, 'Unknown user.');
      sink.answer(550, '5.1.1 No such user here');
      assert.equal((await runOutboxOnce(rt.ctx, transport)).items.find((i) => i.id === q.outboundId)?.outcome, 'failed');
      const m = await row(rt, q.outboundId);
      assert.equal(m.status, 'failed');
      assert.equal(m.attempts, 1);
      assert.equal(m.nextAttemptAt, null);
      const list = JSON.parse(cli(['outbox', 'list', '--status', 'failed', '--json'], rt.env).stdout) as Array<{ id: string; status: string; lastError: string }>;
      const shown = list.find((x) => x.id === q.outboundId);
      assert.equal(shown?.status, 'failed');
      assert.match(shown?.lastError ?? '', /550 5\.1\.1 No such user here/);
      const table = cli(['outbox', 'list', '--case', String(c.number)], rt.env).stdout;
      assert.match(table, /failed/);
      assert.match(table, /No such user here/);
    });

    test('C4: temporary failures (relay down) for 4 days → failed; `outbox retry` queues it again and it is sent', async () => {
      const c = await newCase(DE);
      const q = await reply(c, 'Vier Tage.');
      const created = clock.now().getTime();
      sink.answer(421, '4.7.0 Try again later');
      const delays: number[] = [];
      let m = await row(rt, q.outboundId);
      for (let i = 0; i < 500 && m.status !== 'failed'; i++) {
        const before = clock.now().getTime();
        await runOutboxOnce(rt.ctx, transport);
        m = await row(rt, q.outboundId);
        if (m.status === 'retrying') {
          delays.push(new Date(m.nextAttemptAt!).getTime() - before);
          clock.set(new Date(m.nextAttemptAt!));
        }
      }
      assert.equal(m.status, 'failed');
      assert.ok(clock.now().getTime() - created >= LIMITS.outboundGiveUpMs, 'not given up before 4 days');
      assert.ok(clock.now().getTime() - created < LIMITS.outboundGiveUpMs + 75 * 60_000, 'given up at the first attempt after 4 days');
      assert.equal(m.attempts, delays.length + 1);
      assert.equal(sink.received.length, m.attempts, 'every attempt reached the relay');
      // 1 min doubling to 1 h, each ±25 %.
      delays.forEach((d, i) => {
        const base = Math.min(60_000 * 2 ** i, 3_600_000);
        assert.ok(d >= base * 0.75 - 1 && d <= base * 1.25 + 1, `delay ${i + 1} = ${d} ms, base ${base}`);
      });
      assert.ok(delays.length > 90 && delays.length < 140, `${delays.length} retries in 4 days`);

      // The admin's retry is recorded with the real time; the relay's pass runs after it.
      const r = cli(['outbox', 'retry', q.outboundId, '--json'], rt.env);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { id: q.outboundId, status: 'queued' });
      assert.equal((await row(rt, q.outboundId)).status, 'queued');
      sink.answer(250);
      clock.set(new Date(Math.max(clock.now().getTime(), Date.now()) + 1000));
      assert.equal((await runOutboxOnce(rt.ctx, transport)).items.find((i) => i.id === q.outboundId)?.outcome, 'sent');
      await sink.waitFor(1);
      assert.equal((await row(rt, q.outboundId)).status, 'sent');
      assert.equal(cli(['outbox', 'retry', q.outboundId], rt.env).status, 1, 'a sent mail is not retried');
    });

    test('W9: a customer name with CR/LF is refused with a clear error and nothing is queued', async () => {
      const id = randomUUID();
      // Stored directly: the sign-up and admin paths refuse such names; an older import might not.
      await rt.ctx.store.users.insert({
        id, email: `inject-${dialect}@example.org`, name: 'Eve\r\nBcc: victim@example.com', role: 'customer', language: 'en', passwordHash: null,
        disabled: false, emailVerified: true, organisationId: null, orgAdmin: false, createdAt: clock.now().toISOString(),
      });
      const c = await newCase(`inject-${dialect}@example.org`);
      await assert.rejects(
        reply(c, 'Hello'),
        (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /recipient name must not contain line breaks/.test(e.message),
      );
      assert.deepEqual(await rt.ctx.store.outbound.list({ caseId: c.id }), []);
      assert.equal((await rt.ctx.store.messages.listByCase(c.id)).length, 1, 'only the opening message');
      assert.equal((await rt.ctx.store.cases.findById(c.id))?.status, 'new', 'the case did not move');

      // Defence in depth: a case subject with CR/LF (stored before validation existed) cannot add a header.
      const c2 = await newCase(EN);
      await rt.ctx.store.cases.update(c2.id, { subject: 'Hi\r\nBcc: victim@example.com' });
      const q = await reply(c2, 'Hello');
      await runOutboxOnce(rt.ctx, transport);
      const [got] = await sink.waitFor(1);
      assert.doesNotMatch(got!.raw.toString('latin1'), /^Bcc:/im);
      assert.deepEqual(got!.envelope.to, [EN]);
      assert.match(storedRawViaCli(rt.env, q.outboundId).toString('latin1'), /^Thread-Topic: Hi Bcc: victim@example\.com\r$/m);
    });

    test('attachments over the size limit are refused before anything is queued', async () => {
      const c = await newCase(EN);
      // Base64 grows 19 MiB to 25.3 MiB, over the 25 MiB mail limit.
      const big = Buffer.alloc(19 * 1024 * 1024, 0x41);
      await assert.rejects(
        addAgentReply(rt.ctx, { caseNumber: c.number, agent: AGENT, body: 'Here is the log.', attachments: [{ filename: 'log.txt', content: big }] }),
        (e: unknown) => e instanceof AppError && e.code === 'too_large' && /exceed the mail size limit/.test(e.message),
      );
      assert.deepEqual(await rt.ctx.store.outbound.list({ caseId: c.id }), []);
      assert.deepEqual(await rt.ctx.store.attachments.listByCase(c.id), []);
      assert.equal((await rt.ctx.store.messages.listByCase(c.id)).length, 1);
      // A small one goes through, as an attachment of a multipart/mixed mail.
      const q = await addAgentReply(rt.ctx, { caseNumber: c.number, agent: AGENT, body: 'Log attached.', attachments: [{ filename: 'log.txt', content: Buffer.from('line 1\n') }] });
      await runOutboxOnce(rt.ctx, transport);
      await sink.waitFor(1);
      const mail = await simpleParser((await acceptedWithId(sink, q.messageId)).raw);
      assert.deepEqual(mail.attachments.map((a) => [a.filename, a.content.toString()]), [['log.txt', 'line 1\n']]);
    });
  });

  describe(`DKIM-signed outbound mail on ${dialect}`, () => {
    test('the relay receives a DKIM-Signature that mailauth verifies with the published key', async () => {
      await dkimCase(dialect);
    });
  });
}

async function dkimCase(dialect: DialectName): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-dkim-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(dir, 'dkim.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const sink = await startSmtpSink();
  const clock = manualClock();
  const rt = await testRuntime(
    dialect,
    { SUPPORTAL_RELAY_URL: sink.url, SUPPORTAL_DKIM_DOMAIN: 'support.example.com', SUPPORTAL_DKIM_SELECTOR: 'sp2026', SUPPORTAL_DKIM_PRIVATE_KEY_FILE: keyFile },
    clock,
  );
  const transport = createSmtpTransport(sink.url);
  try {
    await addUser(rt.ctx, { role: 'agent', email: AGENT, name: 'Anna Agent' });
    await addUser(rt.ctx, { role: 'customer', email: EN, name: 'Chris Customer', lang: 'en' });
    const c = await openCase(rt.ctx, { customer: EN, subject: 'Signed mail', body: 'Hello' });
    const q = await addAgentReply(rt.ctx, { caseNumber: c.number, agent: AGENT, body: 'Grüße – signed with DKIM.' });
    await runOutboxOnce(rt.ctx, transport);
    const [got] = await sink.waitFor(1);
    assert.match(got!.raw.toString('latin1'), /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed;\r\n d=support\.example\.com; q=dns\/txt; s=sp2026;/m);
    assert.ok(got!.raw.equals(storedRawViaCli(rt.env, q.outboundId)), 'the stored bytes are the signed bytes');

    const lookups: string[] = [];
    const resolver = async (name: string, type: string): Promise<string[][]> => {
      lookups.push(`${type} ${name}`);
      if (type === 'TXT' && name === 'sp2026._domainkey.support.example.com') return [[`v=DKIM1; k=rsa; p=${p}`]];
      throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
    };
    const ok = await dkimVerify(got!.raw, { resolver });
    assert.equal(ok.results.length, 1);
    assert.equal(ok.results[0]!.status.result, 'pass', ok.results[0]!.info);
    assert.equal(ok.results[0]!.signingDomain, 'support.example.com');
    assert.ok(lookups.includes('TXT sp2026._domainkey.support.example.com'));

    // The same check fails when one byte of the body changes: the verification is real.
    const tampered = Buffer.from(got!.raw.toString('latin1').replace('signed with DKIM', 'signed with DKIN'), 'latin1');
    assert.ok(!tampered.equals(got!.raw));
    const bad = await dkimVerify(tampered, { resolver });
    assert.notEqual(bad.results[0]!.status.result, 'pass');
  } finally {
    transport.close();
    await sink.stop();
    await rt.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

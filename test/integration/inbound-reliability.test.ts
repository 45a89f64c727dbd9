import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testedDialects } from '../support/databases.js';
import { testRuntime, manualClock, type TestRuntime } from '../support/runtime.js';
import { smtplibSend, plainMail } from '../support/mail-builders.js';
import { repoRoot } from '../support/corpus.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { openRawSpool, receiveMail, type RawSpool, type ReceivedEnvelope } from '../../src/app/ingest/receive-mail.js';
import { readWholeRawMail } from '../../src/domain/raw-mail.js';
import { interceptFinish } from '../support/spools.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { reprocessInboundMail } from '../../src/app/ingest/reprocess.js';
import type { IngestDeps, MimeParser } from '../../src/app/ingest/ports.js';
import type { Store } from '../../src/app/ports.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { recipientFilter } from '../../src/start-inbound.js';
import { startSmtpListener, type SmtpListener } from '../../src/inbound/sources/smtp-listener.js';
import { parseMail } from '../../src/inbound/parse/mime-parser.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { LIMITS } from '../../src/config/limits.js';

const SUPPORT = 'support@support.example.com';
const CUSTOMER = 'anna@kunde.example';
const CRASH_WORKER = join(repoRoot, 'test/fixtures/inbound-crash-worker.ts');

/** One SMTP/LMTP reply: its code and its text lines. */
interface Reply {
  code: number;
  text: string;
}

/**
 * A small raw-socket SMTP/LMTP client. Python's smtplib reads only the first reply after the
 * final dot, so LMTP's one-reply-per-recipient (RFC 2033) and a client vanishing mid-DATA need
 * this one.
 */
class Conversation {
  private buffer = '';
  private replies: Reply[] = [];
  private waiting: Array<(r: Reply) => void> = [];
  private lines: string[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<Conversation> {
    const socket = createConnection(port, '127.0.0.1');
    const c = new Conversation(socket);
    await once(socket, 'connect');
    const greeting = await c.reply();
    assert.equal(greeting.code, 220, greeting.text);
    return c;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let i: number;
    while ((i = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.lines.push(line.slice(4));
      // "250-..." continues a reply, "250 ..." ends it.
      if (line[3] !== '-') {
        const r = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
        this.lines = [];
        const w = this.waiting.shift();
        if (w) w(r);
        else this.replies.push(r);
      }
    }
  }

  reply(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 10 s')), 10_000);
      this.waiting.push((x) => {
        clearTimeout(timer);
        resolve(x);
      });
    });
  }

  async command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The message with dot-stuffing and the final dot (RFC 5321 4.5.2). */
  static dataBytes(raw: Buffer): Buffer {
    const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    return Buffer.from(`${text.endsWith('\r\n') ? text : `${text}\r\n`}.\r\n`, 'latin1');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A store whose `transaction` throws while `failing()` says so: the database "down" for that call. */
function faultyStore(store: Store, failing: () => boolean): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'transaction' && failing()) {
        return () => Promise.reject(Object.assign(new Error('connection terminated unexpectedly'), { code: 'ECONNRESET' }));
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** Sends with Python's smtplib after STARTTLS; returns the DATA answer and the TLS version used. */
async function smtplibSendStartTls(port: number, from: string, to: string, raw: Buffer): Promise<{ code: number; detail: string; tls: string; advertised: boolean }> {
  const script = `
import sys, json, smtplib, ssl
a = json.loads(sys.argv[1])
data = sys.stdin.buffer.read()
s = smtplib.SMTP('127.0.0.1', a['port'], timeout=30)
s.ehlo()
advertised = s.has_extn('starttls')
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s.starttls(context=ctx)
s.ehlo()
code, msg = s.mail(a['from'])
assert code == 250, (code, msg)
code, msg = s.rcpt(a['to'])
assert code == 250, (code, msg)
code, msg = s.data(data)
print(json.dumps({'code': code, 'detail': msg.decode(errors='replace'), 'tls': s.sock.version(), 'advertised': advertised}))
s.quit()
`;
  const child = spawn('python3', ['-c', script, JSON.stringify({ port, from, to })]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(raw);
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`smtplib with STARTTLS failed: ${err}`);
  return JSON.parse(out);
}

function storedId(text: string): string {
  const m = /stored as ([0-9a-f-]{36})/.exec(text);
  assert.ok(m, `no mail id in "${text}"`);
  return m[1]!;
}

/** Runs the inbound worker until no job is due; returns how many passes it took. */
async function drainJobs(rt: TestRuntime, deps: IngestDeps): Promise<number> {
  for (let pass = 1; pass <= 50; pass++) {
    const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: `test-${pass}` });
    if (r.processed.length + r.deferred.length === 0) return pass;
  }
  throw new Error('the inbound worker did not run dry in 50 passes');
}

async function outboundFor(rt: TestRuntime, inboundMailId: string) {
  return (await rt.ctx.store.outbound.list({ limit: 100_000 })).filter((o) => o.inboundMailId === inboundMailId);
}

async function inboundByMessageId(rt: TestRuntime, messageId: string) {
  return (await rt.ctx.store.inbound.list({ limit: 100_000 })).filter((m) => m.messageId === messageId);
}

for (const dialect of testedDialects()) {
  describe(`inbound reliability over SMTP/LMTP on ${dialect}`, () => {
    let rt: TestRuntime;
    let deps: IngestDeps;
    let caseNumber: number;
    const listeners: SmtpListener[] = [];
    let tlsDir: string;

    function listen(o: { lmtp?: boolean; openSpool?: (envelope: ReceivedEnvelope) => RawSpool; tls?: { keyFile: string; certFile: string }; maxClients?: number; socketTimeoutMs?: number }) {
      return startSmtpListener({
        host: '127.0.0.1',
        port: 0,
        lmtp: o.lmtp ?? false,
        maxMessageBytes: rt.config.maxMessageBytes,
        acceptsRecipient: recipientFilter(rt),
        openSpool: o.openSpool ?? ((envelope) => openRawSpool(rt.ctx, envelope)),
        tls: o.tls ?? null,
        log: rt.log,
        maxClients: o.maxClients,
        socketTimeoutMs: o.socketTimeoutMs,
      }).then((l) => {
        listeners.push(l);
        return l;
      });
    }

    function reply(messageId: string, body: string, headers: Record<string, string> = {}): Buffer {
      return plainMail({ from: `Anna Kunde <${CUSTOMER}>`, to: SUPPORT, subject: `AW: [Case #${caseNumber}] Export`, body, messageId, headers });
    }

    before(async () => {
      rt = await testRuntime(dialect);
      deps = createIngestDeps(rt.config);
      await addUser(rt.ctx, { role: 'customer', email: CUSTOMER, name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'de' });
      caseNumber = (await openCase(rt.ctx, { customer: CUSTOMER, subject: 'Export', body: 'Der Export bricht ab.' })).number;
      tlsDir = mkdtempSync(join(tmpdir(), 'supportal-tls-'));
    });
    after(async () => {
      await Promise.all(listeners.map((l) => l.stopAccepting()));
      await closeParseWorkers();
      await rt.dispose();
      rmSync(tlsDir, { recursive: true, force: true });
    });

    test('T1: the database fails during DATA → 451; the retry of the same bytes → 250, stored once, processed once, one receipt', async () => {
      let failuresLeft = 1;
      const calls: string[] = [];
      const l = await listen({
        openSpool: (envelope) => {
          const fail = failuresLeft-- > 0;
          calls.push(fail ? 'failed' : 'ok');
          return openRawSpool({ ...rt.ctx, store: faultyStore(rt.ctx.store, () => fail) }, envelope);
        },
      });
      const raw = reply('t1-retry@client.example.org', 'Hier das Log.');
      const c = await Conversation.open(l.port);
      assert.equal((await c.command('EHLO client.example.org')).code, 250);
      assert.equal((await c.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      assert.equal((await c.command(`RCPT TO:<${SUPPORT}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      c.write(Conversation.dataBytes(raw));
      const first = await c.reply();
      assert.equal(first.code, 451, first.text);
      assert.match(first.text, /^4\.3\.0 /);
      assert.deepEqual(await inboundByMessageId(rt, 't1-retry@client.example.org'), [], 'nothing half-written');

      // The sender's queue retries the same bytes, here on the same connection after RSET.
      assert.equal((await c.command('RSET')).code, 250);
      assert.equal((await c.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      assert.equal((await c.command(`RCPT TO:<${SUPPORT}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      c.write(Conversation.dataBytes(raw));
      const second = await c.reply();
      assert.equal(second.code, 250, second.text);
      await c.command('QUIT');
      assert.deepEqual(calls, ['failed', 'ok']);

      const stored = await inboundByMessageId(rt, 't1-retry@client.example.org');
      assert.equal(stored.length, 1, 'exactly one stored mail');
      assert.equal(stored[0]!.id, storedId(second.text));
      assert.ok((await rt.ctx.store.inbound.raw(stored[0]!.id))!.equals(raw), 'the raw bytes as sent');
      await drainJobs(rt, deps);
      const mail = await rt.ctx.store.inbound.findById(stored[0]!.id);
      assert.equal(mail?.status, 'accepted', JSON.stringify(mail?.decisions));
      assert.equal(mail?.caseNumber, caseNumber);
      const messages = (await rt.ctx.store.messages.listByCase(mail!.caseId!)).filter((m) => m.inboundMailId === mail!.id);
      assert.equal(messages.length, 1, 'one case message');
      const out = await outboundFor(rt, mail!.id);
      assert.deepEqual(out.map((o) => o.kind), ['receipt']);
    });

    test('T8: LMTP with three recipients, the store failing for one → three separate replies 250, 451, 250', async () => {
      const bad = 'support+b@support.example.com';
      const rcpts = ['support+a@support.example.com', bad, 'support+c@support.example.com'];
      const l = await listen({ lmtp: true, openSpool: (envelope) => openRawSpool({ ...rt.ctx, store: faultyStore(rt.ctx.store, () => envelope.envelopeTo.includes(bad)) }, envelope) });
      const c = await Conversation.open(l.port);
      assert.equal((await c.command('LHLO client.example.org')).code, 250);
      assert.equal((await c.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      for (const r of rcpts) assert.equal((await c.command(`RCPT TO:<${r}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      c.write(Conversation.dataBytes(reply('t8-lmtp@client.example.org', 'Über LMTP.')));
      const answers = [await c.reply(), await c.reply(), await c.reply()];
      assert.deepEqual(answers.map((a) => a.code), [250, 451, 250], JSON.stringify(answers));
      assert.match(answers[1]!.text, new RegExp(`^4\\.3\\.0 <${bad.replace(/[+.]/g, '\\$&')}>`));
      assert.equal((await c.command('QUIT')).code, 221);

      const stored = await inboundByMessageId(rt, 't8-lmtp@client.example.org');
      assert.equal(stored.length, 2, 'the two recipients that got 250 are stored');
      assert.deepEqual(stored.map((m) => m.envelopeTo).flat().sort(), [rcpts[0], rcpts[2]]);
      assert.deepEqual(new Set([storedId(answers[0]!.text), storedId(answers[2]!.text)]), new Set(stored.map((m) => m.id)));
      assert.ok(stored.every((m) => m.channel === 'lmtp'));
      await drainJobs(rt, deps);
      const outcomes = await Promise.all(stored.map((m) => rt.ctx.store.inbound.findById(m.id)));
      const byStatus = outcomes.map((m) => `${m!.status}:${m!.reason ?? ''}`).sort();
      assert.deepEqual(byStatus, ['accepted:', 'duplicate:duplicate'], 'the second copy of the same bytes is a duplicate');
      const receipts = (await Promise.all(stored.map((m) => outboundFor(rt, m.id)))).flat();
      assert.equal(receipts.length, 1, 'one receipt for both copies');
    });

    test('promise 4: the same bytes on two connections at once → both 250, one original and one duplicate, one receipt', async () => {
      const l = await listen({});
      const raw = reply('p4-concurrent@client.example.org', 'Zweimal gleichzeitig.');
      const send = async () => {
        const c = await Conversation.open(l.port);
        await c.command('EHLO client.example.org');
        await c.command(`MAIL FROM:<${CUSTOMER}>`);
        await c.command(`RCPT TO:<${SUPPORT}>`);
        await c.command('DATA');
        c.write(Conversation.dataBytes(raw));
        const r = await c.reply();
        await c.command('QUIT');
        return r;
      };
      const answers = await Promise.all([send(), send(), send()]);
      assert.deepEqual(answers.map((a) => a.code), [250, 250, 250], JSON.stringify(answers));
      const stored = await inboundByMessageId(rt, 'p4-concurrent@client.example.org');
      assert.equal(stored.length, 3);
      const originals = stored.filter((m) => m.duplicateOf === null);
      assert.equal(originals.length, 1, 'one original');
      assert.ok(stored.filter((m) => m.duplicateOf !== null).every((m) => m.duplicateOf === originals[0]!.id && m.status === 'duplicate'));
      await drainJobs(rt, deps);
      assert.equal((await rt.ctx.store.inbound.findById(originals[0]!.id))?.status, 'accepted');
      assert.equal((await Promise.all(stored.map((m) => outboundFor(rt, m.id)))).flat().length, 1, 'one receipt');
    });

    test('T3: the client drops before the final dot → nothing stored, no receipt; its later full send is stored once', async () => {
      const received: string[] = [];
      const l = await listen({
        openSpool: (envelope) => {
          const spool = openRawSpool(rt.ctx, envelope);
          return interceptFinish(spool, (finish) => {
            received.push(spool.head().toString('latin1'));
            return finish();
          });
        },
      });
      const raw = reply('t3-drop@client.example.org', `Ein langer Text.\r\n${'Zeile\r\n'.repeat(2000)}Ende.`);
      const c = await Conversation.open(l.port);
      assert.equal((await c.command('EHLO client.example.org')).code, 250);
      assert.equal((await c.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      assert.equal((await c.command(`RCPT TO:<${SUPPORT}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      const data = Conversation.dataBytes(raw);
      c.write(data.subarray(0, Math.floor(data.length / 2)));
      c.destroy();
      await c.closed;

      // A second client sends the whole mail; once its 250 is here, the dropped one was seen long ago.
      const c2 = await Conversation.open(l.port);
      assert.equal((await c2.command('EHLO client.example.org')).code, 250);
      assert.equal((await c2.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      assert.equal((await c2.command(`RCPT TO:<${SUPPORT}>`)).code, 250);
      assert.equal((await c2.command('DATA')).code, 354);
      c2.write(data);
      const ok = await c2.reply();
      assert.equal(ok.code, 250, ok.text);
      await c2.command('QUIT');

      assert.equal(received.length, 1, 'the dropped transfer never reached the store');
      assert.match(received[0]!, /Ende\.\r\n$/);
      const stored = await inboundByMessageId(rt, 't3-drop@client.example.org');
      assert.deepEqual(stored.map((m) => m.id), [storedId(ok.text)]);
      await drainJobs(rt, deps);
      assert.equal((await rt.ctx.store.inbound.findById(stored[0]!.id))?.status, 'accepted');
      assert.equal((await outboundFor(rt, stored[0]!.id)).length, 1, 'one receipt, for the complete mail');
    });

    test('T7: the 101st RCPT → 452 4.5.3; the first 100 are taken', async () => {
      const l = await listen({});
      const c = await Conversation.open(l.port);
      assert.equal((await c.command('EHLO client.example.org')).code, 250);
      assert.equal((await c.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      const codes: number[] = [];
      let last: Reply | null = null;
      for (let i = 1; i <= LIMITS.maxRecipients + 1; i++) {
        last = await c.command(`RCPT TO:<support+r${i}@support.example.com>`);
        codes.push(last.code);
      }
      assert.deepEqual(codes.slice(0, 100), Array(100).fill(250));
      assert.equal(codes[100], 452);
      assert.match(last!.text, /^4\.5\.3 /);
      assert.equal((await c.command('DATA')).code, 354);
      c.write(Conversation.dataBytes(reply('t7-rcpt@client.example.org', 'Viele Empfänger.')));
      const ok = await c.reply();
      assert.equal(ok.code, 250, ok.text);
      await c.command('QUIT');
      const m = await rt.ctx.store.inbound.findById(storedId(ok.text));
      assert.equal(m?.envelopeTo.length, 100);
      assert.ok(!m?.envelopeTo.includes('support+r101@support.example.com'));
    });

    test('L4: a mail with 101 Received headers over SMTP → 554 loop, nothing stored; over the pipe → stored, ignored as loop, no notice', async () => {
      const l = await listen({});
      const hops = Array.from({ length: 101 }, (_, i) => `Received: from mx${i}.relay.example (mx${i}.relay.example [192.0.2.${i % 250}]) by mx${i + 1}.relay.example; Thu, 26 Nov 2026 10:00:${String(i % 60).padStart(2, '0')} +0100`);
      const raw = Buffer.concat([Buffer.from(`${hops.join('\r\n')}\r\n`), reply('l4-loop@client.example.org', 'Kreisend.')]);
      const before = (await rt.ctx.store.inbound.list({})).length;
      const c = await Conversation.open(l.port);
      assert.equal((await c.command('EHLO client.example.org')).code, 250);
      assert.equal((await c.command(`MAIL FROM:<${CUSTOMER}>`)).code, 250);
      assert.equal((await c.command(`RCPT TO:<${SUPPORT}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      c.write(Conversation.dataBytes(raw));
      const refused = await c.reply();
      assert.equal(refused.code, 554, refused.text);
      assert.match(refused.text, /loop/i);
      await c.command('QUIT');
      assert.equal((await rt.ctx.store.inbound.list({})).length, before, 'nothing kept');
      const stored = await receiveMail(rt.ctx, { raw, channel: 'pipe', envelopeFrom: CUSTOMER, envelopeTo: [SUPPORT] });
      await drainJobs(rt, deps);
      const m = await rt.ctx.store.inbound.findById(stored.mailId);
      assert.equal(m?.status, 'ignored');
      assert.equal(m?.reason, 'loop');
      assert.deepEqual(m?.decisions.at(-1), { step: '020-parse', verdict: 'ignored', reason: 'loop' });
      assert.deepEqual(await outboundFor(rt, m!.id), [], 'no notice to a loop');
      assert.ok((await rt.ctx.store.inbound.raw(m!.id))!.length > 10_000, 'raw kept');
    });

    test('T2: a full disk while storing → 452 4.3.1, nothing half-written; the retry stores it once', async () => {
      let full = true;
      const l = await listen({
        openSpool: (envelope) =>
          interceptFinish(openRawSpool(rt.ctx, envelope), async (finish) => {
            if (full) {
              full = false;
              throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
            }
            return finish();
          }),
      });
      const raw = reply('t2-full@client.example.org', 'Platte voll.');
      const first = await smtplibSend(l.port, CUSTOMER, [SUPPORT], raw);
      assert.equal(first.code, 452, first.detail);
      assert.match(first.detail, /4\.3\.1/);
      const second = await smtplibSend(l.port, CUSTOMER, [SUPPORT], raw);
      assert.equal(second.code, 250, second.detail);
      const stored = (await rt.ctx.store.inbound.list({ limit: 1000 })).filter((m) => m.messageId === 't2-full@client.example.org');
      assert.equal(stored.length, 1);
    });

    test('T11: HTTP spoken to the SMTP port is refused and the connection closed; a silent client is dropped with 421', async () => {
      const l = await listen({ socketTimeoutMs: 300 });
      const http = await Conversation.open(l.port);
      const answer = await http.command('GET / HTTP/1.1');
      assert.equal(answer.code, 421, answer.text);
      await http.closed;
      const silent = await Conversation.open(l.port);
      const dropped = await silent.reply();
      assert.equal(dropped.code, 421, dropped.text);
      await silent.closed;
      // The listener still serves others.
      const ok = await Conversation.open(l.port);
      assert.equal((await ok.command('EHLO client.example.org')).code, 250);
      await ok.command('QUIT');
    });

    test('T12: more connections than the listener takes → 421 back-pressure; memory stays bounded by the cap', async () => {
      const l = await listen({ maxClients: 2 });
      const a = await Conversation.open(l.port);
      const b = await Conversation.open(l.port);
      const socket = createConnection(l.port, '127.0.0.1');
      const first = await new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
      assert.match(first, /^421 /);
      socket.destroy();
      await a.command('QUIT');
      await b.command('QUIT');
    });

    test('STARTTLS with a configured certificate: a mail sent after STARTTLS is accepted', async () => {
      const keyFile = join(tlsDir, 'key.pem');
      const certFile = join(tlsDir, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'pipe' });
      const l = await listen({ tls: { keyFile, certFile } });
      const r = await smtplibSendStartTls(l.port, CUSTOMER, SUPPORT, reply('tls@client.example.org', 'Verschlüsselt übertragen.'));
      assert.equal(r.advertised, true, 'STARTTLS is advertised');
      assert.match(r.tls, /^TLSv1\.[23]$/);
      assert.equal(r.code, 250, r.detail);
      await drainJobs(rt, deps);
      const m = await rt.ctx.store.inbound.findById(storedId(r.detail));
      assert.equal(m?.status, 'accepted', JSON.stringify(m?.decisions));
      assert.equal(m?.caseNumber, caseNumber);
    });

    test('without a certificate STARTTLS is not offered', async () => {
      const l = await listen({});
      const c = await Conversation.open(l.port);
      const ehlo = await c.command('EHLO client.example.org');
      assert.equal(ehlo.code, 250);
      assert.doesNotMatch(ehlo.text, /STARTTLS/);
      assert.match(ehlo.text, new RegExp(`SIZE ${rt.config.maxMessageBytes}`));
      assert.equal((await c.command('STARTTLS')).code >= 500, true);
      c.destroy();
    });
  });

  describe(`inbound job worker faults on ${dialect}`, () => {
    let rt: TestRuntime;
    let caseNumber: number;
    const clock = manualClock();
    const healthy: MimeParser = { parse: (raw) => parseMail(raw) };

    before(async () => {
      rt = await testRuntime(dialect, {}, clock);
      await addUser(rt.ctx, { role: 'customer', email: CUSTOMER, name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'de' });
      caseNumber = (await openCase(rt.ctx, { customer: CUSTOMER, subject: 'Export', body: 'Der Export bricht ab.' })).number;
    });
    after(async () => {
      await rt.dispose();
    });

    function reply(messageId: string, body: string): Buffer {
      return plainMail({ from: CUSTOMER, to: SUPPORT, subject: `Re: [Case #${caseNumber}] Export`, body, messageId });
    }

    test('C1: SIGKILL in the middle of a batch → after the lease every mail has exactly one outcome and one receipt', async () => {
      const count = 6;
      const child = spawn(process.execPath, ['--import', 'tsx', CRASH_WORKER], {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...rt.env,
          INBOUND_CRASH_NOW: clock.now().toISOString(),
          INBOUND_CRASH_CASE: String(caseNumber),
          INBOUND_CRASH_FROM: CUSTOMER,
          INBOUND_CRASH_COUNT: String(count),
          INBOUND_CRASH_KILL_AT: '6',
          INBOUND_CRASH_BATCH: '4',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, 'SIGKILL', `the worker died by SIGKILL (exit ${code}): ${stderr}`);
      const ids = (JSON.parse(stdout.split('\n')[0]!) as { stored: string[] }).stored;
      assert.equal(ids.length, count);

      const before = await Promise.all(ids.map((id) => rt.ctx.store.inbound.findById(id)));
      const unfinished = before.filter((m) => m!.status === 'received').map((m) => m!.id);
      assert.ok(unfinished.length >= 1, 'the killed job left its mail unprocessed');
      assert.ok(unfinished.length < count, 'the first batch had committed');
      for (const id of unfinished) assert.equal((await rt.ctx.store.jobs.findByKey(`inbound:${id}`))?.status, 'running');

      // Within the dead worker's lease nobody takes its jobs.
      clock.advance(LIMITS.leaseMs - 1000);
      const early = await runInboundJobsOnce(rt.ctx, createIngestDeps(rt.config, { parser: healthy }), { workerId: 'early' });
      assert.deepEqual([early.processed.length, early.deferred.length], [0, 0]);

      clock.advance(2000);
      const deps = createIngestDeps(rt.config, { parser: healthy });
      let taken = 0;
      for (let pass = 0; pass < 10; pass++) {
        const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: `restart-${pass}` });
        assert.deepEqual(r.deferred, []);
        taken += r.processed.length;
        if (r.processed.length === 0) break;
      }
      assert.equal(taken, unfinished.length, 'only the unfinished jobs ran again');

      const outbound = await rt.ctx.store.outbound.list({ limit: 100_000 });
      const c = (await rt.ctx.store.cases.findByNumber(caseNumber))!;
      const messages = await rt.ctx.store.messages.listByCase(c.id);
      for (const id of ids) {
        const m = await rt.ctx.store.inbound.findById(id);
        assert.equal(m?.status, 'accepted', `${id}: ${JSON.stringify(m?.decisions)}`);
        assert.equal(outbound.filter((o) => o.inboundMailId === id).length, 1, `${id}: exactly one receipt`);
        assert.equal(messages.filter((x) => x.inboundMailId === id).length, 1, `${id}: exactly one case message`);
        assert.equal((await rt.ctx.store.jobs.findByKey(`inbound:${id}`))?.status, 'done');
      }
    });

    test('C2: a parser crashing on one mail ×5 → back-off, then dead and deferred; later mails are not blocked; reprocess then accepts it', async () => {
      const poison = await receiveMail(rt.ctx, { raw: reply('c2-poison@client.example.org', 'POISON: dieser Parser stürzt ab.'), channel: 'smtp', envelopeFrom: CUSTOMER, envelopeTo: [SUPPORT] });
      const crashing: MimeParser = {
        parse: async (raw) => ((await readWholeRawMail(raw)).includes('POISON') ? Promise.reject(new Error('parser worker crashed')) : parseMail(raw)),
      };
      const deps = createIngestDeps(rt.config, { parser: crashing });
      const jobKey = `inbound:${poison.mailId}`;
      const others: string[] = [];
      for (let attempt = 1; attempt <= LIMITS.jobMaxAttempts; attempt++) {
        // A mail queued behind the poisoned one, in every round.
        const next = await receiveMail(rt.ctx, { raw: reply(`c2-next-${attempt}@client.example.org`, `Nachricht ${attempt}.`), channel: 'smtp', envelopeFrom: CUSTOMER, envelopeTo: [SUPPORT] });
        others.push(next.mailId);
        const failedAt = clock.now().getTime();
        const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: `c2-${attempt}` });
        assert.deepEqual(r.deferred.map((d) => [d.mailId, d.dead]), [[poison.mailId, attempt === LIMITS.jobMaxAttempts]], `round ${attempt}`);
        assert.deepEqual(r.processed.map((p) => [p.mailId, p.status]), [[next.mailId, 'accepted']], `round ${attempt}: the mail behind it is processed`);
        const m = await rt.ctx.store.inbound.findById(poison.mailId);
        assert.deepEqual([m?.status, m?.reason], ['deferred', 'processing_failed']);
        const job = (await rt.ctx.store.jobs.findByKey(jobKey))!;
        assert.equal(job.attempts, attempt);
        assert.match(job.lastError ?? '', /parser worker crashed/);
        if (attempt < LIMITS.jobMaxAttempts) {
          assert.equal(job.status, 'queued');
          const delay = Date.parse(job.runAt) - failedAt;
          const base = Math.min(LIMITS.retryMaxMs, LIMITS.retryBaseMs * 2 ** (attempt - 1));
          assert.ok(delay >= base * 0.75 && delay <= base * 1.25, `round ${attempt}: back-off ${delay} ms around ${base} ms`);
          // Not before its time: a pass just before the back-off ends leaves it alone.
          clock.set(new Date(Date.parse(job.runAt) - 1000));
          const early = await runInboundJobsOnce(rt.ctx, deps, { workerId: `c2-early-${attempt}` });
          assert.deepEqual(early.deferred, []);
          clock.set(new Date(Date.parse(job.runAt)));
        } else {
          assert.equal(job.status, 'dead');
        }
      }
      clock.advance(2 * LIMITS.retryMaxMs);
      const afterDead = await runInboundJobsOnce(rt.ctx, deps, { workerId: 'c2-after' });
      assert.deepEqual([afterDead.processed.length, afterDead.deferred.length], [0, 0], 'a dead job is not retried by itself');
      assert.deepEqual((await rt.ctx.store.jobs.list({ status: 'dead' })).map((j) => j.key), [jobKey], 'visible in the dead-letter list');
      for (const id of others) assert.equal((await rt.ctx.store.inbound.findById(id))?.status, 'accepted');
      assert.deepEqual(await outboundFor(rt, poison.mailId), [], 'nothing sent for the deferred mail');

      await reprocessInboundMail(rt.ctx, poison.mailId);
      const r = await runInboundJobsOnce(rt.ctx, createIngestDeps(rt.config, { parser: healthy }), { workerId: 'c2-replay' });
      assert.deepEqual(r.processed.map((p) => [p.mailId, p.status]), [[poison.mailId, 'accepted']]);
      const m = await rt.ctx.store.inbound.findById(poison.mailId);
      assert.equal(m?.status, 'accepted');
      assert.equal(m?.caseNumber, caseNumber);
      assert.deepEqual((await outboundFor(rt, poison.mailId)).map((o) => o.kind), ['receipt']);
      assert.equal((await drainJobs(rt, deps)), 1, 'nothing left');
    });
  });
}

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer } from 'node:net';
import { Readable } from 'node:stream';
import pino from 'pino';
import { handOver } from './handoff-client.js';
import { startSmtpListener, type SmtpListener } from '../inbound/sources/smtp-listener.js';
import { openRawSpool } from '../app/ingest/receive-mail.js';
import { LIMITS } from '../config/limits.js';
import { testRuntime, type TestRuntime } from '../../test/support/runtime.js';
import { testedDialects } from '../../test/support/databases.js';

function pieces(parts: string[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p, 'latin1')));
}

// The client and the listener do not depend on the database: one dialect is enough.
for (const dialect of testedDialects(['sqlite'])) describe(`the handoff client against the real handoff listener and store (${dialect})`, () => {
  let rt: TestRuntime;
  let listener: SmtpListener;
  let dir: string;
  let socketPath: string;
  before(async () => {
    rt = await testRuntime(dialect);
    dir = mkdtempSync(join(tmpdir(), 'supportal-handoff-'));
    socketPath = join(dir, 'ingest.sock');
    listener = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      lmtp: true,
      maxMessageBytes: 1024 * 1024,
      acceptsRecipient: () => false,
      openSpool: (envelope) => openRawSpool(rt.ctx, envelope),
      log: pino({ level: 'silent' }),
      handoff: { socketPath, supportAddress: 'support@support.example.com' },
    });
  });
  after(async () => {
    await listener.stopAccepting();
    await rt.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('dot lines split across chunks, bare LF and CRLF lines arrive byte for byte', async () => {
    const parts = ['From: a@b.example\r\nSubject: dots\r\nMessage-ID: <d1@b.example>\r\n\r\n', '.', '\r\n..two\n', '.', 'x\n.\r', '\n.end\r\n'];
    const r = await handOver(socketPath, { sender: 'a@b.example', recipients: ['anyone@elsewhere.example'] }, () => pieces(parts));
    assert.equal(r.kind, 'stored', JSON.stringify(r));
    const mailId = (r as { mailId: string }).mailId;
    assert.equal((await rt.ctx.store.inbound.raw(mailId))!.toString('latin1'), parts.join(''));
  });

  test('a mail starting with a dot and not ending in CRLF: the dot kept, one CRLF added', async () => {
    const raw = '.Subject: odd\nMessage-ID: <d2@b.example>\n\nno final newline';
    const r = await handOver(socketPath, { sender: null, recipients: [] }, () => pieces([raw]));
    assert.equal(r.kind, 'stored', JSON.stringify(r));
    assert.equal((await rt.ctx.store.inbound.raw((r as { mailId: string }).mailId))!.toString('latin1'), `${raw}\r\n`);
  });

  test('a mail bigger than the socket takes at once (the source paused and resumed) arrives byte for byte, dot lines and all', async () => {
    const line = (i: number) => (i % 7 === 0 ? `.dot line ${i}\r\n` : `line ${i} ${'x'.repeat(60)}\r\n`);
    const body = Array.from({ length: 14_000 }, (_, i) => line(i)).join('');
    const raw = `From: a@b.example\r\nSubject: big\r\nMessage-ID: <big-${Date.now()}@b.example>\r\n\r\n${body}`;
    assert.ok(raw.length > 800_000, 'several times what a Unix socket buffers');
    const parts = raw.match(/[\s\S]{1,16384}/g)!;
    const r = await handOver(socketPath, { sender: 'a@b.example', recipients: [] }, () => pieces(parts));
    assert.equal(r.kind, 'stored', JSON.stringify(r));
    assert.ok((await rt.ctx.store.inbound.raw((r as { mailId: string }).mailId))!.equals(Buffer.from(raw, 'latin1')));
  });

  test('a mail that cannot be read to its end: unreadable, and serve keeps nothing of it (T3)', async () => {
    const tag = `broken-${Date.now()}@b.example`;
    const broken = new Readable({
      read() {
        this.push(Buffer.from(`From: a@c.example\r\nMessage-ID: <${tag}>\r\n\r\nthe first part\r\n`));
        this.destroy(new Error('EIO: the disk went away'));
      },
    });
    const r = await handOver(socketPath, { sender: 'a@c.example', recipients: [] }, () => broken);
    assert.equal(r.kind, 'unreadable', JSON.stringify(r));
    assert.match((r as { error: Error }).error.message, /EIO/);
    const ok = await handOver(socketPath, { sender: 'a@c.example', recipients: [] }, () => pieces([`Message-ID: <ok-${tag}>\r\n\r\nx\r\n`]));
    assert.equal(ok.kind, 'stored', JSON.stringify(ok));
    const stored = (await rt.ctx.store.inbound.list({ from: 'a@c.example', limit: 1000 })).map((m) => m.messageId);
    assert.deepEqual(stored.filter((id) => id?.endsWith(tag)), [`ok-${tag}`]);
  });

  test('an envelope that would change the LMTP commands is not sent: processed in-process instead', async () => {
    const r = await handOver(socketPath, { sender: 'a@b.example', recipients: ['x@y.example>\r\nRCPT TO:<evil@z.example'] }, () => pieces(['x\r\n']));
    assert.equal(r.kind, 'absent');
  });

  test('the listener greets at once: a client that talks before the greeting is answered, not refused as an early talker', async () => {
    // smtp-server answers 421 "You talk too soon" to a command that arrives before its greeting,
    // which it holds back by 100 ms; the handoff listener greets before it reads anything.
    const socket = createConnection(socketPath);
    socket.write('LHLO early-talker\r\n');
    let text = '';
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      text += chunk.toString('latin1');
      if (/^(250|421|5\d\d) /m.test(text)) break;
    }
    socket.destroy();
    const lines = text.split('\r\n');
    assert.match(lines[0]!, /^220 /, text);
    assert.match(text, /^250[ -]PIPELINING\r?$/m, text);
    assert.doesNotMatch(text, /^421/m, text);
  });

  test('a pipelined envelope with a refused recipient: absent, the mail not read, and serve keeps nothing', async () => {
    // The recipient past LIMITS.maxRecipients is answered 452 while DATA is still answered 354:
    // the session must end without a mail, and the mail must not be half sent.
    const tag = `many-${Date.now()}@b.example`;
    const recipients = Array.from({ length: LIMITS.maxRecipients + 1 }, (_, i) => `r${i}@elsewhere.example`);
    let read = false;
    const r = await handOver(socketPath, { sender: 'a@b.example', recipients }, () => {
      read = true;
      return pieces([`Message-ID: <${tag}>\r\n\r\nx\r\n`]);
    });
    assert.equal(r.kind, 'absent', JSON.stringify(r));
    assert.match((r as { why: string }).why, /^serve answered 452 /);
    assert.equal(read, false);
    // The listener takes the next mail, and of the two only that one is stored.
    const next = await handOver(socketPath, { sender: 'a@b.example', recipients: ['one@elsewhere.example'] }, () => pieces([`Message-ID: <ok-${tag}>\r\n\r\nx\r\n`]));
    assert.equal(next.kind, 'stored', JSON.stringify(next));
    const stored = (await rt.ctx.store.inbound.list({ from: 'a@b.example', limit: 1000 })).map((m) => m.messageId);
    assert.deepEqual(stored.filter((id) => id?.endsWith(tag)), [`ok-${tag}`]);
  });

  test('no socket: absent, and the mail was not read', async () => {
    let read = false;
    const r = await handOver(join(dir, 'none.sock'), { sender: null, recipients: [] }, () => {
      read = true;
      return pieces(['x\r\n']);
    });
    assert.equal(r.kind, 'absent');
    assert.equal(read, false);
  });
});

describe('the handoff client when serve goes away while the mail is sent', () => {
  test('the socket closed after 354: temporary (the MTA retries), the rest of the mail not read', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supportal-handoff-'));
    const socketPath = join(dir, 'ingest.sock');
    // Takes the envelope, then drops the connection once the first bytes of the mail arrived.
    const server = createServer((c) => {
      let phase = 'envelope';
      let seen = '';
      c.write('220 fake LMTP\r\n');
      c.on('data', (d: Buffer) => {
        if (phase === 'mail') return void c.destroy();
        seen += d.toString('latin1');
        if (seen.includes('DATA\r\n')) {
          phase = 'mail';
          c.write('250 hi\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    let pulls = 0;
    // Endless, a chunk each time the client asks: only a closed socket stops the sending.
    const endless = new Readable({
      read() {
        pulls++;
        setTimeout(() => this.push(Buffer.from(`line ${pulls}\r\n`)), 1);
      },
    });
    try {
      const r = await handOver(socketPath, { sender: null, recipients: [] }, () => endless);
      assert.deepEqual(r, { kind: 'temporary', reply: 'the handoff socket closed while the mail was sent' });
      assert.ok(endless.destroyed, 'the mail is not read any further');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

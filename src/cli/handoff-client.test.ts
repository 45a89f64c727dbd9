import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { handOver } from './handoff-client.js';
import { startSmtpListener, type SmtpListener } from '../inbound/sources/smtp-listener.js';
import { openRawSpool } from '../app/ingest/receive-mail.js';
import { testRuntime, type TestRuntime } from '../../test/support/runtime.js';
import { testedDialects } from '../../test/support/databases.js';

async function* pieces(parts: string[]): AsyncIterable<Buffer> {
  for (const p of parts) yield Buffer.from(p, 'latin1');
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

  test('an envelope that would change the LMTP commands is not sent: processed in-process instead', async () => {
    const r = await handOver(socketPath, { sender: 'a@b.example', recipients: ['x@y.example>\r\nRCPT TO:<evil@z.example'] }, () => pieces(['x\r\n']));
    assert.equal(r.kind, 'absent');
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

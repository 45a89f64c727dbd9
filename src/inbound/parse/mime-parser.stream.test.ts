import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusMailFiles } from '../../../test/support/corpus.js';
import type { ParsedMail } from '../../domain/parsed-mail.js';
import { rawMailFromBuffer, type RawMail } from '../../domain/raw-mail.js';
import { MailLoopError, MalformedMailError, parseMail } from './mime-parser.js';
import { ParseWorkerPool } from './parse-worker-pool.js';

const pool = new ParseWorkerPool({ size: 2 });
after(() => pool.close());

async function outcome(work: Promise<ParsedMail>): Promise<ParsedMail | string> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof MalformedMailError || err instanceof MailLoopError) return `${err.name}: ${err.message}`;
    throw err;
  }
}

const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

/** A RawMail read through `read`, which sees each chunk's index as it is read. */
function source(bytes: Buffer, chunkBytes: number, read: (index: number) => Promise<void> | void = () => undefined): RawMail {
  return {
    size: bytes.length,
    async *chunks() {
      let index = 0;
      for await (const chunk of rawMailFromBuffer(bytes, chunkBytes).chunks()) {
        await read(index++);
        yield Buffer.from(chunk); // a fresh Buffer per chunk, as read from the database
      }
    },
  };
}

const attachmentMail = crlf(
  'From: a@example.com',
  'Subject: streamed',
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'text',
  '--b',
  'Content-Type: application/octet-stream; name=a.bin',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.alloc(3 * 1024 * 1024, 7).toString('base64').replace(/(.{76})/g, '$1\r\n'),
  '--b--',
);

describe('parsing a RawMail chunk by chunk', () => {
  test('every corpus mail gives the same ParsedMail from a Buffer and from 1 KiB chunks in the worker pool', async () => {
    const files = corpusMailFiles();
    for (const file of files) {
      const raw = readFileSync(file);
      const fromBuffer = await outcome(pool.parse(raw));
      const fromChunks = await outcome(pool.parse(rawMailFromBuffer(raw, 1024)));
      assert.deepEqual(fromChunks, fromBuffer, file);
    }
    assert.ok(files.length >= 220, `only ${files.length} mail files found`);
  });

  test('a 3 MiB attachment arrives whole, in process and through the worker', async () => {
    const inProcess = await parseMail(source(attachmentMail, 64 * 1024));
    const inWorker = await pool.parse(source(attachmentMail, 1024 * 1024));
    for (const mail of [inProcess, inWorker]) {
      assert.equal(mail.subject, 'streamed');
      assert.ok(mail.attachments[0]!.content.equals(Buffer.alloc(3 * 1024 * 1024, 7)));
    }
    assert.deepEqual(inWorker, inProcess);
  });

  test('the pool reads a chunk only when the worker asks for it; a cut stops reading', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `--p\r\n\r\n${'x'.repeat(1000)}${i}\r\n`).join('');
    const raw = Buffer.from(`From: a@example.com\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n${parts}--p--\r\n`);
    let read = 0;
    // The cap is hit within the first 16 KiB: a pool that read ahead would have read more.
    const mail = await pool.parse(source(raw, 16 * 1024, () => void read++), { maxParts: 10 });
    assert.ok(mail.problems.includes('truncated: more than 10 MIME parts'));
    assert.equal(read, 1);
    read = 0;
    assert.equal((await pool.parse(source(attachmentMail, 256 * 1024, () => void read++))).attachments.length, 1);
    assert.equal(read, Math.ceil(attachmentMail.length / (256 * 1024)));
  });

  test('a slow source is not parse time: neither the CPU budget nor the wall clock fails it', async () => {
    // 8 chunks × 250 ms = 2 s of waiting against a 1 s budget; the parse itself takes well under
    // 100 ms (a 150 ms budget failed once at a load average of 20, where loop time inflates).
    const slow = source(attachmentMail, 512 * 1024, () => new Promise((resolve) => setTimeout(resolve, 250)));
    const mail = await pool.parse(slow, { cpuBudgetMs: 1000 });
    assert.equal(mail.attachments.length, 1);
  });

  test('a source that fails rejects with its own error; the worker goes on', async () => {
    const single = new ParseWorkerPool({ size: 1 });
    try {
      for (const failAt of [0, 2]) {
        const down = new Error('database is down');
        const failing = source(attachmentMail, 256 * 1024, (index) => {
          if (index === failAt) throw down;
        });
        await assert.rejects(single.parse(failing), (err: unknown) => err === down);
        await assert.rejects(parseMail(failing), (err: unknown) => err === down);
        const next = await single.parse(crlf('Subject: after', '', 'ok'));
        assert.equal(next.subject, 'after');
      }
    } finally {
      await single.close();
    }
  });

  test('a mail shorter than its stated size is an error, not a malformed mail', async () => {
    const raw = crlf('Subject: short', '', 'x');
    const lying: RawMail = { size: raw.length + 10, chunks: () => rawMailFromBuffer(raw).chunks() };
    await assert.rejects(pool.parse(lying), (err: unknown) => err instanceof Error && !(err instanceof MalformedMailError) && /expected/.test(err.message));
  });

  test('transfer moves chunks that own their ArrayBuffer, and copies views', async () => {
    // Over 1 MiB, so that it is streamed (a smaller mail goes to the worker whole, in one message).
    const owned = [Buffer.from(new Uint8Array(crlf('Subject: moved', '', '')).buffer), Buffer.from(new Uint8Array(Buffer.alloc(1100 * 1024, 'body\r\n')).buffer)];
    const raw: RawMail = { size: owned[0]!.length + owned[1]!.length, chunks: async function* () { yield* owned; } };
    assert.equal((await pool.parse(raw, {}, { transfer: true })).subject, 'moved');
    assert.deepEqual(owned.map((b) => b.byteLength), [0, 0]);
    const big = Buffer.from(new Uint8Array(attachmentMail).buffer);
    await pool.parse(big, {}, { transfer: true });
    assert.equal(big.byteLength, attachmentMail.length, 'the chunks of a large Buffer are views and are copied');
    const kept = Buffer.from(new Uint8Array(crlf('Subject: kept', '', '')).buffer);
    await pool.parse(kept);
    assert.ok(kept.byteLength > 0);
    const small = Buffer.from(new Uint8Array(crlf('Subject: small', '', 'x')).buffer);
    assert.equal((await pool.parse(small, {}, { transfer: true })).subject, 'small');
    assert.equal(small.byteLength, 0, 'a small mail in one piece is moved whole');
  });
});

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { testedDialects } from '../../../test/support/databases.js';
import { testRuntime, type TestRuntime } from '../../../test/support/runtime.js';
import { plainMail } from '../../../test/support/mail-builders.js';
import { RAW_CHUNK_BYTES } from '../../domain/raw-mail.js';
import { openRawSpool, receiveMail } from './receive-mail.js';
import { createWebStore } from '../../db/stores/web.js';

/** A mail of about `bytes` bytes: a short header block and a body of random base64 lines. */
function mailOf(bytes: number, id: string): Buffer {
  const line = (i: number) => randomBytes(57).toString('base64') + (i % 2 ? '\r\n' : '\n');
  const body: string[] = [];
  for (let n = 0, i = 0; n < bytes; i++, n += 78) body.push(line(i));
  return Buffer.concat([plainMail({ from: 'anna@kunde.example', to: 'support@support.example.com', subject: 'Big', body: 'x', messageId: id }), Buffer.from(body.join(''))]);
}

async function chunkRows(rt: TestRuntime, mailId: string): Promise<number> {
  const r = await rt.db.db.selectFrom('inbound_mail_chunks').select((eb) => eb.fn.countAll<number>().as('n')).where('mail_id', '=', mailId).executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const dialect of testedDialects()) {
  describe(`storing received mail on ${dialect}`, () => {
    let rt: TestRuntime;
    const envelope = { channel: 'smtp' as const, envelopeFrom: 'anna@kunde.example', envelopeTo: ['support@support.example.com'] };
    before(async () => {
      rt = await testRuntime(dialect);
    });
    after(async () => {
      await rt.dispose();
    });

    test('a mail of up to 1 MiB is one inline row; a bigger one is stored in 1 MiB chunks and read back byte for byte', async () => {
      const small = mailOf(RAW_CHUNK_BYTES - 10_000, 'small@x');
      const big = mailOf(2.5 * RAW_CHUNK_BYTES, 'big@x');
      const s = await receiveMail(rt.ctx, { ...envelope, raw: small });
      const b = await receiveMail(rt.ctx, { ...envelope, raw: big });
      assert.equal(await chunkRows(rt, s.mailId), 0);
      assert.equal(await chunkRows(rt, b.mailId), 3);
      assert.ok((await rt.ctx.store.inbound.raw(s.mailId))!.equals(small));
      assert.ok((await rt.ctx.store.inbound.raw(b.mailId))!.equals(big));
      const source = (await rt.ctx.store.inbound.rawMail(b.mailId))!;
      assert.equal(source.size, big.length);
      const sizes: number[] = [];
      for await (const c of source.chunks()) sizes.push(c.length);
      assert.deepEqual(sizes, [RAW_CHUNK_BYTES, RAW_CHUNK_BYTES, big.length - 2 * RAW_CHUNK_BYTES], 'read one chunk at a time');
      const row = (await rt.ctx.store.inbound.findById(b.mailId))!;
      assert.equal(row.size, big.length);
      assert.equal(row.messageId, 'big@x', 'the Message-ID is read from the first chunk');
    });

    test('the same big mail streamed in odd pieces again → a duplicate, whose chunks are not kept; it reads its original', async () => {
      const big = mailOf(1.5 * RAW_CHUNK_BYTES, 'again@x');
      const first = await receiveMail(rt.ctx, { ...envelope, raw: big });
      const spool = openRawSpool(rt.ctx, envelope);
      for (let at = 0; at < big.length; at += 65_521) await spool.write(big.subarray(at, at + 65_521));
      const second = await spool.finish();
      assert.equal(second.duplicateOf, first.mailId);
      assert.equal(await chunkRows(rt, second.mailId), 0, 'the copy keeps no chunks');
      assert.ok((await rt.ctx.store.inbound.raw(second.mailId))!.equals(big));
    });

    test('a discarded spool (client gone) leaves nothing; orphans of a crash are swept only when old', async () => {
      const big = mailOf(2.2 * RAW_CHUNK_BYTES, 'gone@x');
      const spool = openRawSpool(rt.ctx, envelope);
      await spool.write(big);
      assert.equal(await chunkRows(rt, spool.mailId), 2, 'written while arriving');
      await spool.discard();
      assert.equal(await chunkRows(rt, spool.mailId), 0);
      assert.equal(await rt.ctx.store.inbound.findById(spool.mailId), null);

      const crashed = openRawSpool(rt.ctx, envelope);
      await crashed.write(big); // never finished nor discarded
      const kept = await receiveMail(rt.ctx, { ...envelope, raw: mailOf(1.2 * RAW_CHUNK_BYTES, 'kept@x') });
      const now = rt.ctx.clock.now().getTime();
      assert.equal(await rt.ctx.store.inbound.sweepOrphanChunks(new Date(now - 60_000).toISOString()), 0, 'a receipt that may still be running is left alone');
      assert.equal(await rt.ctx.store.inbound.sweepOrphanChunks(new Date(now + 60_000).toISOString()), 2);
      assert.equal(await chunkRows(rt, crashed.mailId), 0);
      assert.equal(await chunkRows(rt, kept.mailId), 2, "a stored mail's chunks are never swept");
    });

    test('an administrator deleting a big mail removes its chunks', async () => {
      const r = await receiveMail(rt.ctx, { ...envelope, raw: mailOf(1.1 * RAW_CHUNK_BYTES, 'delete@x') });
      assert.equal(await createWebStore(rt.db).mailAdmin.dropRaw(r.mailId, { status: 'ignored', reason: 'processing_failed', detail: 'deleted' }), true);
      assert.equal(await chunkRows(rt, r.mailId), 0);
      assert.equal(await rt.ctx.store.inbound.raw(r.mailId), null);
    });
  });
}

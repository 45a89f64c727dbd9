import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { dialectLeftOut, testedDialects } from '../../test/support/databases.js';
import { testRuntime, type TestRuntime } from '../../test/support/runtime.js';
import { createRuntime } from '../composition.js';
import { addUser } from '../app/users.js';
import { openCase, closeCase, reopenCase, showCase } from '../app/cases.js';
import { seedDemo } from '../app/demo.js';
import { AppError } from '../app/errors.js';
import { migrateToLatest } from './database.js';

for (const dialect of testedDialects()) {
  describe(`data model on ${dialect}`, () => {
    let rt: TestRuntime;
    before(async () => {
      rt = await testRuntime(dialect);
      await addUser(rt.ctx, { role: 'customer', email: 'Kim@Example.org', name: 'Kim', org: 'Acme AG', customerNo: 'C-7' });
    });
    after(async () => rt.dispose());

    test('migrations run up from empty and a second run applies nothing', async () => {
      const tables = await rt.db.db.introspection.getTables();
      const names = tables.map((t) => t.name);
      for (const t of ['organisations', 'users', 'products', 'product_versions', 'cases', 'case_events', 'messages', 'attachments', 'blobs', 'inbound_mails', 'outbound_mails', 'jobs', 'audit_log']) {
        assert.ok(names.includes(t), `table ${t} exists`);
      }
      assert.deepEqual(await migrateToLatest(rt.db), []);
    });

    test('e-mail addresses are stored lower-cased and unique', async () => {
      const u = await rt.ctx.store.users.findByEmail('KIM@example.ORG');
      assert.equal(u?.email, 'kim@example.org');
      await assert.rejects(
        addUser(rt.ctx, { role: 'agent', email: 'kim@EXAMPLE.org', name: 'Other Kim' }),
        (e: unknown) => e instanceof AppError && e.code === 'email_taken',
      );
      // The database itself refuses a second row too, not only the use case.
      await assert.rejects(
        rt.db.db.insertInto('users').values({ id: randomUUID(), email: 'kim@example.org', name: 'x', role: 'agent', language: 'de', password_hash: null, disabled: 0, email_verified: 0, organisation_id: null, org_admin: 0, created_at: 'x', updated_at: 'x' }).execute(),
      );
      // …and an upper-case address that bypassed normalisation.
      await assert.rejects(
        rt.db.db.insertInto('users').values({ id: randomUUID(), email: 'UPPER@example.org', name: 'x', role: 'agent', language: 'de', password_hash: null, disabled: 0, email_verified: 0, organisation_id: null, org_admin: 0, created_at: 'x', updated_at: 'x' }).execute(),
      );
    });

    test('foreign keys are enforced', async () => {
      await assert.rejects(
        rt.db.db
          .insertInto('messages')
          .values({ id: randomUUID(), case_id: 'no-such-case', author_id: null, author_email: null, kind: 'customer_reply', source: 'portal', body_text: 'x', body_html: null, quoted_text: null, inbound_mail_id: null, outbound_mail_id: null, created_at: new Date().toISOString() })
          .execute(),
      );
    });

    test('a case gets the next number, its first message and an opened event', async () => {
      const a = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Printer on fire', body: 'It burns.' });
      const b = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Again', body: 'Still.', channel: 'phone' });
      assert.equal(b.number, a.number + 1);
      assert.ok(a.number >= 10001);
      const d = await showCase(rt.ctx, a.number);
      assert.equal(d.messages.length, 1);
      assert.equal(d.messages[0]!.bodyText, 'It burns.');
      assert.equal(d.events[0]!.kind, 'opened');
      assert.equal(d.case.organisationId, (await rt.ctx.store.organisations.findByName('Acme AG'))!.id);
      await assert.rejects(sql`update cases set status = 'lost' where id = ${a.id}`.execute(rt.db.db));
    });

    test('close and reopen are recorded; invalid transitions are refused', async () => {
      const c = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Close me', body: 'x' });
      await closeCase(rt.ctx, c.number);
      await assert.rejects(closeCase(rt.ctx, c.number), (e: unknown) => e instanceof AppError && e.code === 'case_closed');
      await reopenCase(rt.ctx, c.number);
      await assert.rejects(reopenCase(rt.ctx, c.number), (e: unknown) => e instanceof AppError && e.code === 'case_not_closed');
      const d = await showCase(rt.ctx, c.number);
      assert.deepEqual(d.events.map((e) => e.kind), ['opened', 'closed', 'reopened']);
      assert.equal(d.case.status, 'open');
      assert.equal(d.case.closedAt, null);
    });

    test('a case for an unknown customer or product is refused with a clear error', async () => {
      await assert.rejects(openCase(rt.ctx, { customer: 'nobody@example.org', subject: 's', body: 'b' }), /no user with the e-mail address nobody@example.org/);
      await assert.rejects(openCase(rt.ctx, { customer: 'kim@example.org', subject: 's', body: 'b', product: 'Nope' }), /unknown product "Nope"/);
      await assert.rejects(openCase(rt.ctx, { customer: 'kim@example.org', subject: 'a\r\nBcc: x@evil', body: 'b' }), /subject: must be one line/);
    });

    test('attachments are stored once per content (content-addressed)', async () => {
      const c = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Files', body: 'x' });
      const content = Buffer.from([0, 1, 2, 0, 255]);
      const sha = 'f'.repeat(64);
      for (const name of ['a.bin', 'b.bin']) {
        await rt.ctx.store.attachments.insert({ id: randomUUID(), caseId: c.id, messageId: null, filename: name, detectedType: null, size: 5, sha256: sha, scan: 'not_scanned', createdAt: new Date().toISOString() }, content);
      }
      const blobs = await rt.db.db.selectFrom('blobs').select(['sha256', 'content']).where('sha256', '=', sha).execute();
      assert.equal(blobs.length, 1);
      assert.deepEqual(Buffer.from(blobs[0]!.content), content, 'NUL bytes survive');
      const list = await rt.ctx.store.attachments.listByCase(c.id);
      assert.deepEqual(await rt.ctx.store.attachments.content(list[1]!.id), content);
    });

    test('a message is found by its id; an unknown id gives null', async () => {
      const c = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Find me', body: 'Der erste Text.' });
      const first = (await rt.ctx.store.messages.listByCase(c.id))[0]!;
      assert.deepEqual(await rt.ctx.store.messages.findById(first.id), first);
      assert.equal(await rt.ctx.store.messages.findById(randomUUID()), null);
    });

    test('an attachment over 1 MiB is stored in 1 MiB rows, once per content, and read back whole', async () => {
      const c = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Big file', body: 'x' });
      const content = randomBytes(2 * 1024 * 1024 + 17);
      const sha = createHash('sha256').update(content).digest('hex');
      const ids = [randomUUID(), randomUUID()];
      for (const id of ids) {
        await rt.ctx.store.transaction((tx) => tx.attachments.insert({ id, caseId: c.id, messageId: null, filename: 'big.png', detectedType: 'image/png', size: content.length, sha256: sha, scan: 'clean', createdAt: new Date().toISOString() }, content));
      }
      const rows = await rt.db.db.selectFrom('blob_chunks').select(['seq', 'data']).where('sha256', '=', sha).orderBy('seq').execute();
      assert.deepEqual(rows.map((r) => [r.seq, r.data.length]), [[0, 1048576], [1, 1048576], [2, 17]], 'three rows, written once for both attachments');
      for (const id of ids) assert.ok((await rt.ctx.store.attachments.content(id))!.equals(content));
    });

    test('demo data: a second run changes nothing', async () => {
      const first = await seedDemo(rt.ctx);
      assert.ok(first.created.length > 0);
      const count = async () => {
        const r = await Promise.all(['users', 'cases', 'products', 'product_versions', 'organisations', 'messages'].map((t) => sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(rt.db.db)));
        return r.map((x) => Number(x.rows[0]!.n));
      };
      const before = await count();
      const second = await seedDemo(rt.ctx);
      assert.deepEqual(second.created, []);
      assert.deepEqual(await count(), before);
    });
  });
}

describe('case numbers under concurrent creation on PostgreSQL', { skip: dialectLeftOut('postgres') }, () => {
  test('40 cases opened at once by 4 processes-worth of pools get 40 distinct, gap-free numbers', async () => {
    const rt = await testRuntime('postgres');
    try {
      await addUser(rt.ctx, { role: 'customer', email: 'rush@example.org', name: 'Rush' });
      // Four independent runtimes = four connection pools, as four serve processes would have.
      const others = await Promise.all([0, 1, 2, 3].map(() => createRuntime({ env: rt.env, createSecret: false })));
      try {
        const opened = await Promise.all(
          Array.from({ length: 40 }, (_, i) => openCase(others[i % 4]!.ctx, { customer: 'rush@example.org', subject: `Rush ${i}`, body: 'x' })),
        );
        const numbers = opened.map((c) => c.number).sort((a, b) => a - b);
        assert.equal(new Set(numbers).size, 40);
        assert.equal(numbers[39]! - numbers[0]!, 39, 'no gaps');
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    } finally {
      await rt.dispose();
    }
  });
});

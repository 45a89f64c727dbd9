import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testedDialects } from '../../../test/support/databases.js';
import { manualClock, testRuntime, type TestRuntime } from '../../../test/support/runtime.js';
import { addUser } from '../../app/users.js';

/** Far from the wall clock, so that a `new Date()` in a store cannot pass by chance. */
const FIXED = new Date('2031-02-03T04:05:06.000Z');

for (const dialect of testedDialects()) {
  describe(`the stores take their time from the Clock port on ${dialect}`, () => {
    let rt: TestRuntime;
    before(async () => {
      rt = await testRuntime(dialect, {}, manualClock(FIXED));
    });
    after(async () => rt.dispose());

    test('a user update stamps updated_at with the clock', async () => {
      const u = await addUser(rt.ctx, { role: 'agent', email: 'clock@example.org', name: 'Clock' });
      await rt.ctx.store.users.update(u.id, { name: 'Clock Two' });
      const row = await rt.db.db.selectFrom('users').select('updated_at').where('id', '=', u.id).executeTakeFirstOrThrow();
      assert.equal(new Date(row.updated_at).toISOString(), FIXED.toISOString());
    });

    test('a product and its version are created at the clock time', async () => {
      const id = randomUUID();
      await rt.ctx.store.products.insert({ id, name: 'Clockwork' });
      await rt.ctx.store.products.addVersion(id, '1.0');
      const p = await rt.db.db.selectFrom('products').select('created_at').where('id', '=', id).executeTakeFirstOrThrow();
      const v = await rt.db.db.selectFrom('product_versions').select('created_at').where('product_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(new Date(p.created_at).toISOString(), FIXED.toISOString());
      assert.equal(new Date(v.created_at).toISOString(), FIXED.toISOString());
    });

    test('an outbound mail update stamps updated_at with the clock', async () => {
      const id = randomUUID();
      const at = FIXED.toISOString();
      await rt.ctx.store.outbound.insert({
        id, kind: 'receipt', caseId: null, inboundMailId: null, messageId: `<${id}@example.org>`, fromAddress: 'support@example.org', envelopeFrom: 'bounce@example.org',
        recipients: ['kim@example.org'], subject: 'Receipt', language: 'en', raw: Buffer.from('Subject: Receipt\r\n\r\nhi\r\n'), status: 'held', createdAt: '2020-01-01T00:00:00.000Z',
      });
      await rt.ctx.store.outbound.update(id, { status: 'failed', lastError: 'test' });
      const row = await rt.db.db.selectFrom('outbound_mails').select('updated_at').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(new Date(row.updated_at).toISOString(), at);
    });
  });
}

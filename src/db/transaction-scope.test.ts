import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../../test/support/databases.js';
import { testRuntime, type TestRuntime } from '../../test/support/runtime.js';
import { addUser } from '../app/users.js';
import type { WebStore } from '../app/web-context.js';
import { createWebStore } from './stores/web.js';

/** Fails instead of hanging: on SQLite a store outside the transaction would wait for itself. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: the call waits for the transaction's connection`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

for (const dialect of testedDialects()) {
  describe(`web stores inside a transaction on ${dialect}`, () => {
    let rt: TestRuntime;
    let web: WebStore;
    let userId: string;
    before(async () => {
      rt = await testRuntime(dialect);
      web = createWebStore(rt.db);
      userId = (await addUser(rt.ctx, { role: 'agent', email: 'ada@example.org', name: 'Ada' })).id;
    });
    after(async () => rt.dispose());

    test('a web store write inside the callback is part of the transaction and rolls back with it', async () => {
      await assert.rejects(
        within(5000, rt.ctx.store.transaction(async () => {
          await web.settings.update(userId, { notifyByEmail: true }, '2026-01-01T00:00:00.000Z');
          assert.equal((await web.settings.get(userId)).notifyByEmail, true, 'the transaction sees its own write');
          throw new Error('roll back');
        })),
        /roll back/,
      );
      assert.equal((await web.settings.get(userId)).notifyByEmail, false, 'the write rolled back with the transaction');
    });

    test('a web store write inside the callback is there after the commit', async () => {
      await within(5000, rt.ctx.store.transaction(async (tx) => {
        await web.settings.update(userId, { notifyByEmail: true }, '2026-01-01T00:00:00.000Z');
        await tx.audit.record({ at: '2026-01-01T00:00:00.000Z', actor: userId, action: 'test.settings', target: userId });
      }));
      assert.equal((await web.settings.get(userId)).notifyByEmail, true);
      assert.equal((await web.settings.emailNotificationRecipients()).map((u) => u.id).includes(userId), true);
    });
  });
}

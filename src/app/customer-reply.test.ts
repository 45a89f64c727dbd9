import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../../test/support/databases.js';
import { testRuntime, type TestRuntime } from '../../test/support/runtime.js';
import { createWebStore } from '../db/stores/web.js';
import { addUser } from './users.js';
import { openCase } from './cases.js';
import { replyToCase } from './portal/case-actions.js';
import type { WebContext } from './web-context.js';
import type { Case, User } from '../domain/entities.js';

for (const dialect of testedDialects()) {
  describe(`a customer reply and its agent notice commit together on ${dialect}`, () => {
    let rt: TestRuntime;
    let ctx: WebContext;
    let customer: User;
    let c: Case;

    async function counts() {
      const messages = await rt.db.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.id).where('kind', '=', 'customer_reply').executeTakeFirstOrThrow();
      const notices = await rt.db.db.selectFrom('outbound_mails').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.id).where('kind', '=', 'agent_notification').executeTakeFirstOrThrow();
      return { messages: Number(messages.n), notices: Number(notices.n) };
    }

    before(async () => {
      rt = await testRuntime(dialect);
      ctx = { ...rt.ctx, web: createWebStore(rt.db) };
      customer = await addUser(rt.ctx, { role: 'customer', email: 'kim@example.org', name: 'Kim' });
      const agent = await addUser(rt.ctx, { role: 'agent', email: 'ada@example.org', name: 'Ada' });
      await ctx.web.settings.update(agent.id, { notifyByEmail: true }, rt.ctx.clock.now().toISOString());
      c = await openCase(rt.ctx, { subject: 'Printer smokes', body: 'It smokes.', customer: customer.email, channel: 'portal' });
    });
    after(async () => rt.dispose());

    test('after the commit both the reply and the notice mail are there', async () => {
      const before = await counts();
      const m = await replyToCase(ctx, customer, c.number, { body: 'Still smoking.' });
      assert.deepEqual(await counts(), { messages: before.messages + 1, notices: before.notices + 1 });
      const notice = await rt.db.db.selectFrom('outbound_mails').select(['recipients']).where('case_id', '=', c.id).where('kind', '=', 'agent_notification').executeTakeFirstOrThrow();
      assert.match(String(notice.recipients), /ada@example\.org/);
      assert.equal(m.kind, 'customer_reply');
    });

    test('a notice that cannot be queued rolls the reply back', async () => {
      const before = await counts();
      const statusBefore = (await rt.ctx.store.cases.findById(c.id))!.status;
      const failing: WebContext = {
        ...ctx,
        composer: {
          ...ctx.composer,
          render: (template, language, vars) => {
            if (template === 'agent_notification') throw new Error('template store down');
            return ctx.composer.render(template, language, vars);
          },
        },
      };
      await assert.rejects(replyToCase(failing, customer, c.number, { body: 'Smoke everywhere now.' }), /template store down/);
      assert.deepEqual(await counts(), before, 'neither the reply nor a notice was stored');
      assert.equal((await rt.ctx.store.cases.findById(c.id))!.status, statusBefore);
    });
  });
}

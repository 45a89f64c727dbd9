import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects, type DialectName } from '../support/databases.js';
import { Client, httpHarness, PASSWORD } from './http-harness.js';
import { buildApp } from '../../src/http/app.js';
import { createWebStore } from '../../src/db/stores/web.js';
import { createRelayStateStore } from '../../src/db/stores/service-states.js';
import { addUser } from '../../src/app/users.js';
import { createRelayStateTracker, relayTargetOf } from '../../src/app/outbound/relay-state.js';
import { RELAY_LOGIN_FAILED } from '../../src/outbound/smtp-transport.js';

/**
 * GET /api/admin/relay: the state the sending nodes recorded, the relay's host and OAuth2 mailbox,
 * never its credentials; admins only.
 */

const RELAY_URL = 'smtp://relay-user:relay-Secret-7@smtp.example.com:587?oauth=support';

async function relayApp(dialect: DialectName, env: Record<string, string>) {
  const h = await httpHarness(dialect, undefined, { env });
  const relayStates = createRelayStateStore(h.rt.db);
  const app = await buildApp({ ctx: h.ctx, log: h.rt.log, web: createWebStore(h.rt.db), installation: h.ctx.installation, relayStates });
  for (const role of ['admin', 'agent', 'customer'] as const) await addUser(h.ctx, { role, email: `${role}@example.org`, name: role, password: PASSWORD, ...(role === 'customer' ? { org: 'Acme' } : {}) });
  const as = async (role: 'admin' | 'agent' | 'customer' | null) => {
    const c = new Client(app);
    if (role) assert.equal((await c.login(`${role}@example.org`, PASSWORD)).statusCode, 200);
    return c.request('GET', '/api/admin/relay');
  };
  return {
    h, relayStates, as,
    async dispose() {
      await app.close();
      await h.dispose();
    },
  };
}

for (const dialect of testedDialects()) {
  describe(`GET /api/admin/relay on ${dialect}`, () => {
    test('the refused login with the relay\'s words, host and mailbox, no credentials; agents and customers are refused', async () => {
      const t = await relayApp(dialect, { SUPPORTAL_RELAY_URL: RELAY_URL });
      try {
        // Before any node ran the relay: configured, not known yet.
        assert.deepEqual((await t.as('admin')).json(), { relay: { configured: true, host: null, oauthMailbox: null, state: { code: 'new', detail: null, at: null } } });
        const relay = createRelayStateTracker({ states: t.relayStates, clock: t.h.ctx.clock, ...relayTargetOf(RELAY_URL), loginFailedPrefix: RELAY_LOGIN_FAILED });
        await relay.start();
        await relay.observe([{ id: 'm1', outcome: 'retrying', error: `${RELAY_LOGIN_FAILED}: 535 5.7.8 login relay-Secret-7 refused` }]);
        const res = await t.as('admin');
        assert.equal(res.statusCode, 200);
        const body = res.json() as { relay: { configured: boolean; host: string; oauthMailbox: string; state: { code: string; detail: string; at: string } } };
        assert.equal(body.relay.configured, true);
        assert.equal(body.relay.host, 'smtp.example.com:587');
        assert.equal(body.relay.oauthMailbox, 'support');
        assert.equal(body.relay.state.code, 'login_refused');
        assert.equal(body.relay.state.detail, '535 5.7.8 login … refused');
        assert.ok(body.relay.state.at);
        assert.ok(!res.body.includes('relay-Secret-7') && !res.body.includes('relay-user'), 'no credentials in the answer');

        assert.equal((await t.as('agent')).statusCode, 403);
        assert.equal((await t.as('customer')).statusCode, 403);
        assert.equal((await t.as(null)).statusCode, 401);
      } finally {
        await t.dispose();
      }
    });

    test('without a relay: not configured (mails stay in the local outbox)', async () => {
      const t = await relayApp(dialect, {});
      try {
        assert.deepEqual((await t.as('admin')).json(), { relay: { configured: false, host: null, oauthMailbox: null, state: null } });
      } finally {
        await t.dispose();
      }
    });
  });
}

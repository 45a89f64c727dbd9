import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import type { JsonSchema, RouteInfo } from '../../src/http/route-registry.js';
import { createApiToken } from '../../src/app/auth/api-tokens.js';

/** A minimal valid value for a JSON schema: required properties only, the first enum value, the minimum length. */
function sample(s: JsonSchema | undefined): unknown {
  if (!s) return undefined;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const type = Array.isArray(s.type) ? (s.type.includes('null') ? 'null' : s.type[0]) : s.type;
  switch (type) {
    case 'null': return null;
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(((s.required as string[] | undefined) ?? []).map((k) => [k, sample(props[k])]));
    }
    case 'array': return [];
    case 'integer': case 'number': return (s.minimum as number | undefined) ?? 1;
    case 'boolean': return false;
    default: return s.format === 'email' ? 'probe@example.org' : 'x'.repeat(Math.max(8, (s.minLength as number | undefined) ?? 0));
  }
}

for (const dialect of testedDialects()) {
  describe(`authorisation of every registered route on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    let routes: readonly RouteInfo[];
    let aliceTokenId: string;
    let aliceReplyOutboxId: string;
    before(async () => {
      h = await httpHarness(dialect);
      w = await seedWorld(h);
      routes = h.app.routeRegistry.routes;
      // The agent's reply to Alice (with its file): the outbox viewer's routes open it.
      aliceReplyOutboxId = (await h.ctx.store.outbound.list({ caseId: w.aliceCase.id })).find((m) => m.kind === 'agent_reply')!.id;
      aliceTokenId = (await createApiToken(h.ctx, { via: 'token', user: w.alice, tokenId: 'seed' }, { name: 'alice ci' })).info.id;
    });
    after(async () => h.dispose());

    function url(r: RouteInfo): string {
      const values: Record<string, string> = {
        number: String(w.aliceCase.number), attachmentId: w.attachmentId, mailId: w.aliceMailId, userId: w.alice.id, tokenId: aliceTokenId,
        messageId: w.htmlMessageId, organisationId: w.alice.organisationId!, productId: w.productId, versionId: w.versionId, name: 'receipt',
        outboxId: aliceReplyOutboxId,
        key: 'support',
      };
      return r.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
        // A new route with a new kind of id must be added here, so that it is probed like the rest.
        assert.ok(name in values, `${r.method} ${r.url}: the authorisation test has no value for :${name}`);
        return encodeURIComponent(values[name]!);
      });
    }

    function assertNoLeak(r: RouteInfo, body: string): void {
      for (const m of w.markers) assert.ok(!body.includes(m), `${r.method} ${r.url} leaked ${m}`);
    }

    test('the registry holds the API and every route declares an access level', () => {
      assert.ok(routes.length >= 30, `only ${routes.length} routes`);
      for (const r of routes) assert.ok(['public', 'customer', 'staff', 'admin'].includes(r.access), `${r.method} ${r.url}`);
    });

    test('W1: unauthenticated callers get 401 on every non-public route, and public routes leak nothing', async () => {
      const anon = new Client(h.app);
      for (const r of routes) {
        const res = await anon.request(r.method, url(r), sample(r.body));
        if (r.access === 'public') {
          assert.ok(res.statusCode < 500, `${r.method} ${r.url} → ${res.statusCode}`);
          assertNoLeak(r, res.body);
        } else {
          assert.equal(res.statusCode, 401, `${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          assert.equal(res.json().error.code, 'unauthenticated');
        }
      }
    });

    for (const via of ['bearer', 'session'] as const) {
      test(`W1: a customer of another organisation (${via}) gets 404 for Acme's records and 403 for staff routes`, async () => {
        const bob = new Client(h.app);
        if (via === 'bearer') {
          bob.bearer = (await createApiToken(h.ctx, { via: 'token', user: w.bob, tokenId: 'seed' }, { name: 'probe' })).token;
        }
        let probed = 0;
        for (const r of routes) {
          // The session probe covers reads; writes as Bob are covered by the bearer probe (a logout would end the session).
          if (via === 'session' && r.method !== 'GET') continue;
          if (via === 'session') assert.equal((await bob.login(w.bob.email, PASSWORD)).statusCode, 200);
          const res = await bob.request(r.method, url(r), sample(r.body));
          probed++;
          const hasParams = r.url.includes(':');
          if (r.access === 'staff' || r.access === 'admin') {
            assert.equal(res.statusCode, 403, `${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          } else if (r.access === 'customer' && hasParams) {
            assert.equal(res.statusCode, 404, `${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          } else {
            assert.ok(res.statusCode < 500, `${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
          }
          assertNoLeak(r, res.body);
        }
        assert.ok(probed > 10);
      });
    }

    test('positive control: staff reach every record the probes were refused', async () => {
      const admin = new Client(h.app);
      assert.equal((await admin.login(w.admin.email, PASSWORD)).statusCode, 200);
      const anna = new Client(h.app);
      assert.equal((await anna.login(w.anna.email, PASSWORD)).statusCode, 200);
      for (const r of routes.filter((x) => x.method === 'GET' && x.url.includes(':'))) {
        const res = await admin.request('GET', url(r));
        assert.equal(res.statusCode, 200, `${r.url} as admin → ${res.statusCode} ${res.body}`);
        if (r.access === 'customer' && !r.url.includes(':mailId')) {
          // Anna administers Acme: she sees Alice's case and its files.
          assert.equal((await anna.request('GET', url(r))).statusCode, 200, `${r.url} as Acme's organisation admin`);
        }
      }
    });
  });
}

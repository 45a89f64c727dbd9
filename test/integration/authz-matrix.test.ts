import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testedDialects, type DialectName } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type App, type Harness, type World } from './http-harness.js';
import { probeUrl, sample } from './route-probe.js';
import type { RouteInfo } from '../../src/http/route-registry.js';
import { buildApp } from '../../src/http/app.js';
import { createWebStore } from '../../src/db/stores/web.js';
import { createRelayStateStore } from '../../src/db/stores/service-states.js';
import { outboxToolsFor, privacyContextFor } from '../../src/composition.js';
import { mailboxContextFor } from '../../src/start-mailboxes.js';
import { addUser } from '../../src/app/users.js';
import { createApiToken } from '../../src/app/auth/api-tokens.js';
import type { ApiTokenScope } from '../../src/app/auth/ports.js';

/**
 * The authorisation matrix (issue 10, "proven, not assumed"; RELIABILITY W24): every route of the
 * registry, which is the OpenAPI document plus the hidden web-UI routes, is called by every kind
 * of caller, with ids that belong to Alice of Acme, and each answer is checked against the route's
 * declared access and the record's owner.
 *
 * Whose record a route's ids name decides who may see it:
 * - `case`: Alice's case and what belongs to it (messages, files): Alice, Acme's organisation
 *   admin Anna, and staff. Alice's non-admin colleague Carl and Bob of Globex get 404.
 * - `mail`: Alice's own received mail: Alice and staff (the mail log is personal, not the organisation's).
 * - `token`: Alice's API token: Alice only, not even an admin revokes another user's token.
 * - `none`: no record of anyone else (lists, creation, the caller's own things, admin catalog ids).
 * A route missing here fails the test: a new route must say whose ids it takes.
 */
const ROUTES: Record<string, 'case' | 'mail' | 'token' | 'none'> = {
  'GET /healthz': 'none',
  'GET /readyz': 'none',
  'GET /api/openapi.json': 'none',
  'GET /api/products': 'none',
  'POST /api/auth/login': 'none',
  'POST /api/auth/logout': 'none',
  'GET /api/auth/me': 'none',
  'POST /api/auth/signup': 'none',
  'POST /api/auth/verify': 'none',
  'POST /api/auth/password-reset': 'none',
  'POST /api/auth/password-reset/confirm': 'none',
  'PATCH /api/auth/profile': 'none',
  'GET /api/auth/tokens': 'none',
  'POST /api/auth/tokens': 'none',
  'DELETE /api/auth/tokens/:tokenId': 'token',
  'GET /api/cases': 'none',
  'GET /api/cases.csv': 'none',
  'POST /api/cases': 'none',
  'GET /api/cases/:number': 'case',
  'POST /api/cases/:number/replies': 'case',
  'POST /api/cases/:number/status': 'case',
  'GET /api/messages/:messageId/html': 'case',
  'POST /api/cases/:number/notes': 'case',
  'POST /api/cases/:number/close': 'case',
  'POST /api/cases/:number/reopen': 'case',
  'POST /api/cases/:number/assign': 'case',
  'GET /api/cases/:number/inbound': 'case',
  'GET /api/cases/:number/outbound': 'case',
  'GET /api/mails': 'none',
  'GET /api/mails/:mailId': 'mail',
  'GET /api/attachments/:attachmentId': 'case',
  'GET /api/admin/quarantine': 'none',
  'POST /api/mails/:mailId/reprocess': 'mail',
  'POST /api/mails/:mailId/release': 'mail',
  'DELETE /api/mails/:mailId': 'mail',
  'GET /api/mails/:mailId/raw': 'mail',
  'GET /api/mails/:mailId/content': 'mail',
  'GET /api/mails/:mailId/parts/:part': 'mail',
  'POST /api/mails/:mailId/accept': 'mail',
  'GET /api/overview': 'none',
  'GET /api/notifications': 'none',
  'POST /api/notifications/read': 'none',
  'GET /api/agents': 'none',
  'GET /api/customers': 'none',
  'POST /api/customers': 'none',
  'GET /api/events': 'none',
  'GET /api/admin/users': 'none',
  'POST /api/admin/users': 'none',
  'POST /api/admin/users/:userId/disable': 'none',
  'POST /api/admin/users/:userId/enable': 'none',
  'GET /api/admin/organisations': 'none',
  'POST /api/admin/organisations': 'none',
  'PATCH /api/admin/organisations/:organisationId': 'none',
  'POST /api/admin/organisations/:organisationId/admins': 'none',
  'GET /api/admin/products': 'none',
  'POST /api/admin/products': 'none',
  'POST /api/admin/products/:productId/versions': 'none',
  'POST /api/admin/products/:productId/deactivate': 'none',
  'POST /api/admin/product-versions/:versionId/deactivate': 'none',
  'POST /api/admin/products/:productId/activate': 'none',
  'POST /api/admin/product-versions/:versionId/activate': 'none',
  'GET /api/admin/settings': 'none',
  'PATCH /api/admin/settings': 'none',
  'GET /api/admin/templates': 'none',
  'GET /api/admin/templates/:name/preview': 'none',
  'POST /api/admin/templates/:name/preview': 'none',
  'GET /api/admin/privacy/person': 'none',
  'GET /api/admin/privacy/person/export': 'none',
  'POST /api/admin/privacy/person/erase': 'none',
  'GET /api/admin/privacy/retention': 'none',
  'PUT /api/admin/privacy/retention': 'none',
  'DELETE /api/admin/privacy/retention': 'none',
  'GET /api/admin/privacy/audit': 'none',
  'GET /api/admin/mailboxes': 'none',
  'POST /api/admin/mailboxes': 'none',
  'DELETE /api/admin/mailboxes/:key': 'none',
  'POST /api/admin/mailboxes/:key/connect': 'none',
  'GET /api/admin/mailboxes/oauth/callback': 'none',
  'GET /api/admin/relay': 'none',
  'GET /api/outbox': 'none',
  'GET /api/outbox/:outboxId': 'case',
  'GET /api/outbox/:outboxId/html': 'case',
  'GET /api/outbox/:outboxId/raw': 'case',
  'GET /api/outbox/:outboxId/attachment': 'case',
  'POST /api/outbox/:outboxId/reply-as-customer': 'case',
  'GET /api/demo-case': 'none',
  'GET /metrics': 'none',
  'GET /assets/*': 'none',
};

type Person = 'alice' | 'bob' | 'anna' | 'carl' | 'agent' | 'admin';
interface Caller {
  name: string;
  /** null: anonymous. */
  person: Person | null;
  /** A bearer token of this scope instead of a session. */
  scope?: ApiTokenScope;
}

const CALLERS: Caller[] = [
  { name: 'anonymous', person: null },
  { name: 'customer of organisation A (the owner)', person: 'alice' },
  { name: 'customer of organisation B', person: 'bob' },
  { name: 'organisation admin of A', person: 'anna' },
  { name: 'non-admin colleague in A', person: 'carl' },
  { name: 'agent', person: 'agent' },
  { name: 'admin', person: 'admin' },
  { name: 'read token of the owner', person: 'alice', scope: 'read' },
  { name: 'read token of an admin', person: 'admin', scope: 'read' },
  { name: 'write token of an admin', person: 'admin', scope: 'write' },
  { name: 'admin token of an admin', person: 'admin', scope: 'admin' },
];

type Outcome = 'allowed' | 'unauthenticated' | 'forbidden' | 'hidden';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes only a signed-in person may use, never a token of any scope (RELIABILITY W15). */
const LOGIN_ONLY = new Set(['POST /api/auth/tokens']);

/** What the declared access, the token scope and the owner of the ids say the answer must be. */
function expected(r: RouteInfo, c: Caller): Outcome {
  if (r.access === 'public') return 'allowed';
  if (!c.person) return 'unauthenticated';
  const staff = c.person === 'agent' || c.person === 'admin';
  if (r.access === 'staff' && !staff) return 'forbidden';
  if (r.access === 'admin' && c.person !== 'admin') return 'forbidden';
  if (c.scope === 'read' && STATE_CHANGING.has(r.method)) return 'forbidden';
  if (c.scope && c.scope !== 'admin' && r.access === 'admin') return 'forbidden';
  if (c.scope && LOGIN_ONLY.has(`${r.method} ${r.url}`)) return 'forbidden';
  const owner = ROUTES[`${r.method} ${r.url}`];
  const sees = owner === 'none' || c.person === 'alice' || (owner === 'case' && (staff || c.person === 'anna')) || (owner === 'mail' && staff);
  return sees ? 'allowed' : 'hidden';
}

function outcomeOf(r: RouteInfo, res: LightMyRequestResponse): Outcome | `other ${number}` {
  // A public route answers everyone; what it says (a failed login, no such asset) is its own business.
  if (r.access === 'public') return res.statusCode < 500 ? 'allowed' : `other ${res.statusCode}`;
  const code = res.statusCode >= 400 ? (res.json() as { error?: { code?: string } }).error?.code : undefined;
  if (res.statusCode === 401) return code === 'unauthenticated' ? 'unauthenticated' : `other ${res.statusCode}`;
  if (res.statusCode === 403) return code === 'forbidden' ? 'forbidden' : `other ${res.statusCode}`;
  // A 404 hides someone's record; on a route that names no one's record it is the route at work (no such person for the sample address).
  if (res.statusCode === 404 && ROUTES[`${r.method} ${r.url}`] !== 'none') return 'hidden';
  // Anything else below 500 is the route at work: done, or input the sample does not satisfy (400, 409).
  return res.statusCode < 500 ? 'allowed' : `other ${res.statusCode}`;
}

/** GETs first, then changes, deletions and the logout last, so that a caller's own walk does not cut itself off. */
function walkOrder(r: RouteInfo): number {
  if (r.url === '/api/auth/logout') return 4;
  if (r.method === 'DELETE') return 3;
  if (r.url.endsWith('/erase') || r.url.endsWith('/disable')) return 3;
  return r.method === 'GET' ? 1 : 2;
}

for (const dialect of testedDialects()) {
  describe(`RELIABILITY W24 / W1: the authorisation matrix on ${dialect}`, () => {
    test('every route of the registry is covered, and the OpenAPI document lists each visible one with its access', async () => {
      const h = await httpHarness(dialect);
      try {
        const registered = h.app.routeRegistry.routes.map((r) => `${r.method} ${r.url}`);
        assert.deepEqual(registered.filter((k) => !(k in ROUTES)), [], 'routes without an entry in the matrix: say whose ids they take');
        assert.deepEqual(Object.keys(ROUTES).filter((k) => !registered.includes(k)), [], 'matrix entries for routes that are gone');
        const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-access'?: string }>> };
        for (const r of h.app.routeRegistry.routes.filter((x) => !x.hidden)) {
          const op = doc.paths[r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
          assert.ok(op, `${r.method} ${r.url} is in the OpenAPI document`);
          assert.equal(op['x-access'], r.access, `${r.method} ${r.url} declares the same access there`);
        }
      } finally {
        await h.dispose();
      }
    });

    for (const caller of CALLERS) {
      test(`as ${caller.name}: every answer matches the declared access and the owner of the ids`, async () => {
        const { h, app, w, tokenId } = await world(dialect);
        try {
          const client = new Client(app, { remoteAddress: '192.0.2.200' });
          if (caller.person && caller.scope) {
            const user = w[caller.person];
            client.bearer = (await createApiToken(h.ctx, { via: 'session', user, sessionIdHash: 'seed', csrfToken: 'seed' }, { name: `matrix ${caller.scope}`, scope: caller.scope })).token;
          } else if (caller.person) {
            assert.equal((await client.login(w[caller.person].email, PASSWORD)).statusCode, 200);
          }
          const mismatches: string[] = [];
          const routes = [...app.routeRegistry.routes].sort((a, b) => walkOrder(a) - walkOrder(b));
          for (const r of routes) {
            const url = probeUrl(r, w, tokenId);
            const res = await client.request(r.method, url, sample(r.body));
            const want = expected(r, caller);
            const got = outcomeOf(r, res);
            if (got !== want) mismatches.push(`${r.method} ${r.url} (${r.access}): expected ${want}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
            if (want !== 'allowed' || ROUTES[`${r.method} ${r.url}`] === 'none') {
              // Refused, or not about Alice's records: nothing of Alice's may show (public routes and lists included).
              if (caller.person !== 'alice' && caller.person !== 'anna' && caller.person !== 'agent' && caller.person !== 'admin') {
                for (const m of w.markers) if (res.body.includes(m)) mismatches.push(`${r.method} ${r.url} leaked ${m} to ${caller.name}`);
              }
            }
          }
          assert.deepEqual(mismatches, []);
        } finally {
          await app.close();
          await h.dispose();
        }
      });
    }
  });
}

/** A fresh world per caller, so that one caller's changes (a disabled user, a deleted mail) never decide another's answers. */
async function world(dialect: DialectName): Promise<{ h: Harness; app: App; w: World & Record<'carl', World['alice']>; tokenId: string }> {
  const h = await httpHarness(dialect);
  const seeded = await seedWorld(h);
  const carl = await addUser(h.ctx, { role: 'customer', email: 'carl@acme.example', name: 'Carl', org: 'Acme', password: PASSWORD });
  const tokenId = (await createApiToken(h.ctx, { via: 'session', user: seeded.alice, sessionIdHash: 'seed', csrfToken: 'seed' }, { name: 'alice ci' })).info.id;
  // The app as serve builds it, privacy, mailbox, relay and outbox routes included (no SMTP listener to reply through).
  const app = await buildApp({
    ctx: h.ctx, log: h.rt.log, web: createWebStore(h.rt.db), installation: h.ctx.installation, uploads: h.ctx.uploads, privacy: privacyContextFor(h.rt),
    mailboxes: { ...mailboxContextFor(h.rt), changed: () => {} },
    relayStates: createRelayStateStore(h.rt.db),
    outbox: outboxToolsFor(null),
  });
  return { h, app, w: { ...seeded, carl }, tokenId };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createRouter, type RouteSpec } from './route-registry.js';
import { readCookie, sessionCookie, sessionCookieName } from './cookies.js';
import { contentDisposition } from './routes/mails.js';
import { buildOpenApi } from './openapi.js';

test('a route registered without an access level throws at start', () => {
  const app = Fastify();
  const router = createRouter(app);
  const spec = { method: 'GET', url: '/api/x', summary: 'x', tag: 't', response: { status: 200, description: 'x' }, handler: async () => ({}) } as unknown as RouteSpec;
  assert.throws(() => router.route(spec), /declares no access level/);
  assert.throws(() => router.route({ ...spec, access: 'everyone' } as unknown as RouteSpec), /declares no access level/);
  assert.equal(router.routes.length, 0);
});

test('a bare app.get past the registry fails too', async () => {
  const app = Fastify();
  createRouter(app);
  assert.throws(() => app.get('/api/sneaky', async () => ({})), /declares no access level/);
});

test('registered routes carry their access level into the OpenAPI document', () => {
  const app = Fastify();
  const router = createRouter(app);
  router.route({ method: 'GET', url: '/api/things/:id', access: 'staff', summary: 'a thing', tag: 't', params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, response: { status: 200, description: 'ok' }, handler: async () => ({}) });
  const doc = buildOpenApi(router.routes, { title: 't', version: '1' }) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const op = doc.paths['/api/things/{id}']!.get!;
  assert.equal(op['x-access'], 'staff');
  assert.deepEqual(op.parameters, [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
  assert.ok('403' in (op.responses as object));
});

test('the session cookie is __Host- and Secure only over HTTPS, always HttpOnly and SameSite=Lax', () => {
  assert.equal(sessionCookie('abc', { secure: true, maxAgeSeconds: 60 }), '__Host-supportal_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure');
  assert.equal(sessionCookie('abc', { secure: false, maxAgeSeconds: 60 }), 'supportal_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
  assert.equal(readCookie('a=1; supportal_session=xyz; b=2', sessionCookieName(false)), 'xyz');
  assert.equal(readCookie('a=1; supportal_session=xyz', sessionCookieName(true)), null);
  assert.equal(readCookie(undefined, 'a'), null);
});

test('W4/W12: filenames cannot break out of Content-Disposition', () => {
  assert.equal(contentDisposition('Rechnung März.pdf'), `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`);
  const evil = contentDisposition('a"; filename=evil.html\r\nX-Injected: 1');
  assert.ok(!/[\r\n]/.test(evil));
  assert.equal(evil.split('"').length, 3, 'only the two quotes around the fallback name');
  assert.match(evil, /filename\*=UTF-8''a%22%3B%20filename%3Devil\.html%0D%0AX-Injected%3A%201$/);
});

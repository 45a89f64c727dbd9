import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { addUser } from '../../src/app/users.js';

const PROXY = '10.0.0.5';
const STRANGER = '10.0.0.6';

// HTTP behaviour only, so SQLite alone; the real nginx in front of serve is proxy-nginx.test.ts.
describe('SUPPORTAL_TRUST_PROXY: only the listed proxies may name the scheme and the client', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await httpHarness('sqlite', undefined, { trustProxy: [PROXY, '192.168.0.0/16'], env: { SUPPORTAL_PUBLIC_URL: 'http://portal.example.com' } });
    w = await seedWorld(h);
  });
  after(async () => h.dispose());

  test('X-Forwarded-Proto: https from the proxy gives the __Host- Secure cookie and HSTS; from anyone else it is ignored', async () => {
    const viaProxy = new Client(h.app, { remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' } });
    const a = await viaProxy.login(w.alice.email, PASSWORD);
    assert.match(String(a.headers['set-cookie']), /^__Host-supportal_session=[^;]+;.*; Secure$/);
    assert.equal(a.headers['strict-transport-security'], 'max-age=31536000');
    assert.equal((await viaProxy.request('GET', '/api/auth/me')).statusCode, 200);

    const inRange = new Client(h.app, { remoteAddress: '192.168.7.9', headers: { 'x-forwarded-proto': 'https' } });
    assert.match(String((await inRange.login(w.bob.email, PASSWORD)).headers['set-cookie']), /^__Host-/, 'a CIDR entry is trusted too');

    const stranger = new Client(h.app, { remoteAddress: STRANGER, headers: { 'x-forwarded-proto': 'https' } });
    const b = await stranger.login(w.alice.email, PASSWORD);
    assert.match(String(b.headers['set-cookie']), /^supportal_session=/);
    assert.doesNotMatch(String(b.headers['set-cookie']), /Secure/);
    assert.equal(b.headers['strict-transport-security'], undefined);
  });

  test('a stranger cannot dodge the per-IP login delay by inventing X-Forwarded-For addresses', async () => {
    // Only failures on accounts that exist count for a client address: 11 accounts × their 5 free failures.
    const accounts = [];
    for (let i = 0; i < 11; i++) accounts.push((await addUser(h.ctx, { role: 'customer', email: `nat${i}@acme.example`, name: `Nat ${i}`, password: PASSWORD })).email);
    const codes: number[] = [];
    for (let i = 0; i < 55; i += 11) {
      codes.push(...(await Promise.all(accounts.map(async (email, k) => {
        const c = new Client(h.app, { remoteAddress: STRANGER, headers: { 'x-forwarded-for': `203.0.113.${i + k}` } });
        return (await c.login(email, 'wrong')).statusCode;
      }))));
    }
    assert.equal(codes.filter((c) => c === 401).length, 51, 'the stranger\'s own address passed its 50 free failures and one more');
    const again = new Client(h.app, { remoteAddress: STRANGER, headers: { 'x-forwarded-for': '203.0.113.200' } });
    assert.equal((await again.login(w.bob.email, PASSWORD)).statusCode, 429, 'counted against the stranger\'s own address');
    // The proxy's clients are told apart by the address the proxy reports: another one still gets in.
    const viaProxy = new Client(h.app, { remoteAddress: PROXY, headers: { 'x-forwarded-for': '198.51.100.77' } });
    assert.equal((await viaProxy.login(w.bob.email, PASSWORD)).statusCode, 200);
  });
});

describe('an https SUPPORTAL_PUBLIC_URL alone (a proxy that forwards no scheme)', () => {
  let h: Harness;
  before(async () => {
    h = await httpHarness('sqlite', undefined, { env: { SUPPORTAL_PUBLIC_URL: 'https://portal.example.com' } });
    await seedWorld(h);
  });
  after(async () => h.dispose());

  test('gives the __Host- Secure cookie and HSTS, and reads the cookie back', async () => {
    const c = new Client(h.app);
    const res = await c.login('alice@acme.example', PASSWORD);
    assert.match(String(res.headers['set-cookie']), /^__Host-supportal_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
    assert.equal((await c.request('GET', '/api/auth/me')).statusCode, 200);
    const plain = new Client(h.app);
    plain.cookie = c.cookie!.replace('__Host-supportal_session', 'supportal_session');
    assert.equal((await plain.request('GET', '/api/auth/me')).statusCode, 401, 'the unprefixed name is not read');
  });
});

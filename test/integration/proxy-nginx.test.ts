import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliAsync } from '../support/cli.js';
import { freePort } from '../support/postgres.js';
import { NGINX_SITE_TEMPLATE, selfSignedCertificate, send, siteConfig, startNginx, type Answer } from '../support/nginx.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import type { ServiceProcess } from '../support/service-process.js';
import { repoRoot } from '../support/corpus.js';
import { randomUUID } from 'node:crypto';

const PASSWORD = 'correct horse battery';
const CLIENT_A = '127.0.0.2';
const CLIENT_B = '127.0.0.3';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A multipart/form-data body as a browser sends it. */
function multipart(fields: Record<string, string>, files: Array<{ name: string; content: Buffer }>): { body: Buffer; headers: Record<string, string> } {
  const b = `----supportal${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: image/png\r\n\r\n`), f.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

function sessionCookieOf(a: Answer): { pair: string; attributes: string[] } {
  const raw = ([] as string[]).concat(a.headers['set-cookie'] ?? [])[0];
  assert.ok(raw, `no Set-Cookie in ${a.status} ${a.body}`);
  const [pair, ...attributes] = raw.split(';').map((s) => s.trim());
  return { pair: pair!, attributes };
}

describe('serve behind a real nginx that ends TLS (deploy/nginx/supportal.conf)', () => {
  let dir: string;
  let nginx: ServiceProcess;
  let serve: ServeProcess;
  let ca: Buffer;
  let base: string;
  let direct: string;
  let env: Record<string, string>;
  let caseNumber: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'supportal-proxy-'));
    const tls = selfSignedCertificate(dir);
    ca = tls.pem;
    const [httpPort, tlsPort] = [await freePort(), await freePort()];
    base = `https://127.0.0.1:${tlsPort}`;
    direct = `http://127.0.0.1:${httpPort}`;
    env = {
      SUPPORTAL_DATA_DIR: join(dir, 'data'),
      SUPPORTAL_HTTP_PORT: String(httpPort),
      SUPPORTAL_SMTP_PORT: '',
      SUPPORTAL_PUBLIC_URL: base,
      SUPPORTAL_TRUST_PROXY: '127.0.0.1',
      SUPPORTAL_ACCESS_LOG: 'on',
      SUPPORTAL_LOG_LEVEL: 'info',
    };
    for (const [email, role] of [['alice@acme.example', 'customer'], ['bob@globex.example', 'customer'], ['agent@support.example', 'agent']] as const) {
      const r = cli(['user', 'add', '--role', role, '--email', email, '--name', email.split('@')[0]!, '--password-stdin'], env, Buffer.from(`${PASSWORD}\n`));
      assert.equal(r.status, 0, r.stderr);
    }
    // Accounts to fail at: only failures on accounts that exist slow down a client address.
    for (let i = 0; i < 11; i++) assert.equal(cli(['user', 'add', '--role', 'customer', '--email', `nat${i}@acme.example`, '--name', `Nat ${i}`], env).status, 0);
    caseNumber = cli(['case', 'open', '--customer', 'alice@acme.example', '--subject', 'Printer', '--body', 'It jams.'], env).stdout.trim();
    assert.match(caseNumber, /^\d+$/);
    serve = await startServe(env);
    nginx = await startNginx(join(dir, 'nginx'), siteConfig({ listenPort: tlsPort, upstreamPort: httpPort, cert: tls.cert, key: tls.key }), tlsPort);
  });
  after(async () => {
    await nginx?.stop(5000);
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = (from: string, email: string, password: string, headers: Record<string, string> = {}) =>
    send(`${base}/api/auth/login`, { from, ca, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password }) });

  /** The access-log line of the request that carried this User-Agent. */
  const accessLine = (marker: string) => serve.waitForLine((l) => l.component === 'access' && l.userAgent === marker, 10_000);

  test('over HTTPS the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax, Path=/ and HSTS is sent; the cookie signs the next request in', async () => {
    const res = await login(CLIENT_A, 'alice@acme.example', PASSWORD);
    assert.equal(res.status, 200, res.body);
    const { pair, attributes } = sessionCookieOf(res);
    assert.match(pair, /^__Host-supportal_session=[A-Za-z0-9_-]{20,}$/);
    for (const a of ['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/']) assert.ok(attributes.includes(a), `${a} missing from ${attributes.join('; ')}`);
    assert.ok(!attributes.some((a) => a.toLowerCase().startsWith('domain=')), '__Host- cookies carry no Domain');
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
    const me = await send(`${base}/api/auth/me`, { from: CLIENT_A, ca, headers: { cookie: pair } });
    assert.equal(me.status, 200, me.body);
    assert.equal(JSON.parse(me.body).user.email, 'alice@acme.example');
  });

  test('the access log names each client by its own address, and an X-Forwarded-For the client made up is ignored', async () => {
    await send(`${base}/healthz`, { from: CLIENT_A, ca, headers: { 'user-agent': 'probe-a' } });
    await send(`${base}/healthz`, { from: CLIENT_B, ca, headers: { 'user-agent': 'probe-b' } });
    // nginx appends the real peer to the client's header: "203.0.113.9, 127.0.0.2". Only the
    // proxy is trusted, so the address it saw counts, not the one the client claims.
    await send(`${base}/healthz`, { from: CLIENT_A, ca, headers: { 'user-agent': 'probe-forged', 'x-forwarded-for': '203.0.113.9' } });
    assert.equal((await accessLine('probe-a')).ip, CLIENT_A);
    assert.equal((await accessLine('probe-b')).ip, CLIENT_B);
    assert.equal((await accessLine('probe-forged')).ip, CLIENT_A);
  });

  test('a client that reaches serve directly (not the trusted proxy) cannot set its address or the scheme', async () => {
    const res = await send(`${direct}/healthz`, { from: CLIENT_B, headers: { 'user-agent': 'probe-direct', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'http' } });
    assert.equal(res.status, 200);
    const line = await accessLine('probe-direct');
    assert.equal(line.ip, CLIENT_B, 'the header of an untrusted peer is ignored');
    // And a trusted peer's X-Forwarded-Proto does count: proven by the Secure cookie above, which
    // here also follows from the https public URL; the in-process test below separates the two.
  });

  test('login throttling tells the clients behind the proxy apart: 51 failures from one slow down that address only', async () => {
    let failures = 0;
    // 11 accounts × 5 (each account's free failures), so that only the per-IP delay can trip.
    const attempt = async (i: number) => {
      const r = await login(CLIENT_B, `nat${i % 11}@acme.example`, 'wrong password');
      if (r.status === 401) failures++;
      else assert.equal(r.status, 429, r.body);
    };
    for (let i = 0; i < 55; i += 5) await Promise.all([0, 1, 2, 3, 4].map((k) => attempt(i + k)));
    assert.equal(failures, 51, 'the client address passed its 50 free failures and one more');
    const locked = await login(CLIENT_B, 'bob@globex.example', PASSWORD);
    assert.equal(locked.status, 429, locked.body);
    assert.equal(JSON.parse(locked.body).error.code, 'rate_limited');
    const other = await login(CLIENT_A, 'bob@globex.example', PASSWORD);
    assert.equal(other.status, 200, `another client is not locked out: ${other.body}`);
  });

  test('server-sent events reach the browser through the proxy as they happen', async () => {
    const res = await login(CLIENT_A, 'alice@acme.example', PASSWORD);
    const { pair } = sessionCookieOf(res);
    const u = new URL(`${base}/api/events`);
    let received = '';
    const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, localAddress: CLIENT_A, ca, agent: false, headers: { accept: 'text/event-stream', cookie: pair } });
    const connected = new Promise<void>((resolve, reject) => {
      req.on('response', (r) => {
        assert.equal(r.statusCode, 200);
        assert.match(String(r.headers['content-type']), /^text\/event-stream/);
        r.on('data', (c: Buffer) => {
          received += c.toString();
          if (received.includes(': connected')) resolve();
        });
      });
      req.on('error', reject);
    });
    req.end();
    try {
      await connected;
      const sentAt = Date.now();
      const reply = await cliAsync(['case', 'reply', caseNumber, '--agent', 'agent@support.example', '--body', 'Please try a new cartridge.'], env);
      assert.equal(reply.status, 0, reply.stderr);
      const deadline = Date.now() + 15_000;
      while (!/event: case\n/.test(received) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(received, /event: case\ndata: \{"number":\d+/, `no case event through nginx within 15 s: ${received}`);
      // The stream polls every 2 s; a buffering proxy would hold the event back until its buffer filled.
      assert.ok(Date.now() - sentAt < 10_000);
    } finally {
      req.destroy();
    }
  });

  test('a 25 MB upload passes through the proxy (client_max_body_size) and arrives whole', async () => {
    const res = await login(CLIENT_A, 'alice@acme.example', PASSWORD);
    const { pair } = sessionCookieOf(res);
    const csrf = JSON.parse(res.body).csrfToken as string;
    const content = Buffer.concat([PNG, Buffer.alloc(25_000_000 - PNG.length, 7)]);
    const m = multipart({ payload: JSON.stringify({ subject: 'Full screenshot', body: 'Attached.' }) }, [{ name: 'screen.png', content }]);
    const created = await send(`${base}/api/cases`, { from: CLIENT_A, ca, method: 'POST', headers: { ...m.headers, cookie: pair, 'x-csrf-token': csrf }, body: m.body });
    assert.equal(created.status, 201, created.body.slice(0, 500));
    const n = JSON.parse(created.body).case.number as number;
    const detail = JSON.parse((await send(`${base}/api/cases/${n}`, { from: CLIENT_A, ca, headers: { cookie: pair } })).body);
    assert.deepEqual(detail.attachments.map((a: { filename: string; size: number }) => [a.filename, a.size]), [['screen.png', 25_000_000]]);
  });

  test('docs/operations.md shows the very nginx configuration this test runs', () => {
    const doc = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8');
    const shipped = readFileSync(NGINX_SITE_TEMPLATE, 'utf8').trimEnd();
    assert.ok(doc.includes('```nginx\n' + shipped + '\n```'), 'the nginx block in docs/operations.md differs from deploy/nginx/supportal.conf: copy the file into the doc');
  });
});

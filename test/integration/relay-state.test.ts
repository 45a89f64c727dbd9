import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { freshDatabaseUrl, testedDialects, type DialectName } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startServer } from '../../src/server.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';

/**
 * The requirement's last step for the outgoing relay: "failing again, it defers, with an alert in
 * the log and a red state in the admin UI". `serve` sends through a real SMTP relay (smtp-server)
 * that refuses the login: the admin API shows `login_refused` with the relay's words; once the
 * relay takes the login, the next mail is sent and the state turns `ok`. Both kinds of relay: a
 * password (`smtp://user:pass@host`) and OAuth2 (`?oauth=<mailbox key>`, XOAUTH2 with tokens of
 * oidc-provider, the refused token renewed once before the login counts as refused).
 */

const RELAY_USER = 'relay-user';
const RELAY_PASS = 'relay-pass-4711';
const PASSWORD = 'correct horse battery';

interface Relay {
  port: number;
  /** Whether a login with the right password is accepted. */
  accepting: boolean;
  logins: boolean[];
  accepted: number;
  stop(): Promise<void>;
}

/** A relay with SMTP AUTH (PLAIN, LOGIN) on loopback, whose password check the test switches. */
async function startRelay(): Promise<Relay> {
  const relay: Relay = { port: 0, accepting: false, logins: [], accepted: 0, stop: async () => {} };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = relay.accepting && auth.username === RELAY_USER && auth.password === RELAY_PASS;
      relay.logins.push(ok);
      if (ok) callback(null, { user: auth.username });
      else callback(new Error('5.7.8 Authentication credentials invalid'));
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        relay.accepted++;
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.server.address() as { port: number }).port;
  relay.stop = () =>
    new Promise((resolve) => {
      server.server.close(() => resolve());
      for (const c of server.connections) c.close();
    });
  return relay;
}

interface RelayView {
  configured: boolean;
  host: string | null;
  oauthMailbox: string | null;
  state: { code: string; detail: string | null; at: string | null } | null;
}

/** `serve` on a fresh database with this relay, three users and an admin session for the API. */
async function startServe(dialect: DialectName, env: Record<string, string>) {
  const db = await freshDatabaseUrl(dialect);
  const httpPort = await freePort();
  const server = await startServer({
    env: {
      SUPPORTAL_DATA_DIR: db.dataDir,
      SUPPORTAL_DATABASE_URL: db.url,
      SUPPORTAL_HTTP_HOST: '127.0.0.1',
      SUPPORTAL_HTTP_PORT: String(httpPort),
      SUPPORTAL_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      SUPPORTAL_SMTP_PORT: '',
      SUPPORTAL_SECRET: 'relay-state-test-secret-0123456789-abcdef',
      SUPPORTAL_SENDER_AUTH: 'off',
      SUPPORTAL_LOG_LEVEL: 'silent',
      ...env,
    },
  });
  const ctx = server.runtime.ctx;
  await addUser(ctx, { role: 'admin', email: 'admin@example.org', name: 'Admin', password: PASSWORD });
  await addUser(ctx, { role: 'agent', email: 'agent@example.org', name: 'Agent', password: PASSWORD });
  await addUser(ctx, { role: 'customer', email: 'kim@example.org', name: 'Kim', org: 'Acme', password: PASSWORD });
  const login = await fetch(`${server.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.org', password: PASSWORD }) });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  async function relayView(): Promise<RelayView> {
    const res = await fetch(`${server.httpUrl}/api/admin/relay`, { headers: { cookie } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { relay: RelayView }).relay;
  }
  return {
    server,
    relayView,
    /** Polls the admin API until the relay's state is `code` (the outbox runs in the background). */
    async waitForState(code: string): Promise<RelayView> {
      const until = Date.now() + 30_000;
      let view = await relayView();
      while (view.state?.code !== code && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        view = await relayView();
      }
      assert.equal(view.state?.code, code, `the relay's state: ${JSON.stringify(view)}`);
      return view;
    },
    /** An agent's answer in a new case, woken out of the outbox at once. */
    async queueReply(body: string): Promise<void> {
      const c = await openCase(ctx, { customer: 'kim@example.org', subject: `Case for ${body}`, body: 'Help' });
      await addAgentReply(ctx, { caseNumber: c.number, agent: 'agent@example.org', body });
      server.wakeOutbox();
    },
    async stop() {
      await server.stop();
      db.cleanup();
    },
  };
}

for (const dialect of testedDialects()) {
  describe(`serve with a password relay that refuses the login, on ${dialect}`, () => {
    let relay: Relay;
    let serve: Awaited<ReturnType<typeof startServe>>;

    before(async () => {
      relay = await startRelay();
      serve = await startServe(dialect, { SUPPORTAL_RELAY_URL: `smtp://${RELAY_USER}:${RELAY_PASS}@127.0.0.1:${relay.port}` });
    });
    after(async () => {
      await serve?.stop();
      await relay?.stop();
    });

    test('the admin API shows login_refused with the relay\'s words, then ok once the relay takes the login', async () => {
      const started = await serve.relayView();
      assert.deepEqual({ ...started, state: { ...started.state, at: null } }, { configured: true, host: `127.0.0.1:${relay.port}`, oauthMailbox: null, state: { code: 'new', detail: null, at: null } });

      await serve.queueReply('First answer');
      const refused = await serve.waitForState('login_refused');
      assert.match(refused.state!.detail ?? '', /535 5\.7\.8 Authentication credentials invalid/);
      assert.ok(!JSON.stringify(refused).includes(RELAY_PASS), 'no password in the answer');
      assert.equal(relay.accepted, 0);
      assert.ok(relay.logins.length > 0 && relay.logins.every((ok) => !ok));
      const waiting = await serve.server.runtime.ctx.store.outbound.list({ status: 'retrying' });
      assert.ok(waiting.length > 0, 'the mails wait in the outbox');

      relay.accepting = true;
      // The refused mails wait a minute for their retry; a new one goes at once.
      await serve.queueReply('Second answer');
      const ok = await serve.waitForState('ok');
      assert.equal(ok.state!.detail, null);
      assert.ok(ok.state!.at! >= refused.state!.at!);
      assert.ok(relay.accepted > 0);
    });
  });

  describe(`serve with an OAuth2 relay (?oauth=<mailbox key>) that refuses the token, on ${dialect}`, () => {
    const MAILBOX = 'support@example.com';
    let idp: OidcServer;
    let sink: SmtpSink;
    let accepting = false;
    let serve: Awaited<ReturnType<typeof startServe>>;

    before(async () => {
      idp = await startOidcServer({ tenant: 'tenant-a' });
      idp.addClient({ clientId: 'send-app', clientSecret: 'send-secret', mailbox: MAILBOX, authMethod: 'client_secret_post' });
      // Exchange Online's SMTP AUTH as the tests play it: XOAUTH2 only, every token asked about at introspection.
      sink = await startSmtpSink({ xoauth2: { validate: async (user, token) => accepting && (await idp.introspect(token)).active && user === MAILBOX } });
      const mailboxes = [{ key: 'support', user: MAILBOX, imapUrl: 'imap://127.0.0.1:9/INBOX', oauth: { preset: 'microsoft', tenant: 'tenant-a', clientId: 'send-app', clientSecret: 'send-secret', issuer: idp.issuer } }];
      serve = await startServe(dialect, { SUPPORTAL_RELAY_URL: `${sink.url}?oauth=support`, SUPPORTAL_MAILBOXES: JSON.stringify(mailboxes) });
    });
    after(async () => {
      await serve?.stop();
      await sink?.stop();
      await idp?.stop();
    });

    test('login_refused after the renewed token is refused too, with the mailbox named; ok once the relay takes the token', async () => {
      await serve.queueReply('First answer');
      const refused = await serve.waitForState('login_refused');
      assert.equal(refused.host, `127.0.0.1:${sink.port}`);
      assert.equal(refused.oauthMailbox, 'support');
      assert.ok(refused.state!.detail, 'the relay\'s words');
      assert.ok(!JSON.stringify(refused).includes('send-secret'));
      // The refused token was renewed once and tried again before the login counted as refused.
      assert.ok(sink.logins.filter((l) => !l.ok).length >= 2, JSON.stringify(sink.logins));
      assert.equal(sink.accepted.length, 0);

      accepting = true;
      await serve.queueReply('Second answer');
      await serve.waitForState('ok');
      assert.ok(sink.accepted.length > 0);
    });
  });
}

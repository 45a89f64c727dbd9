import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers, findExecutable, spawnUntilReady } from './service-process.js';
import { ImapFlow } from 'imapflow';
import { freePort } from './postgres.js';

/**
 * A private Dovecot IMAP server for tests: its own temp dir, config, users and Maildirs, on a
 * free loopback port, run in the foreground as a child of this process. A missing dovecot is
 * an error, never a skip: a silently skipped mailbox test proves nothing.
 */

export interface DovecotUser {
  user: string;
  pass: string;
}

export interface DovecotMessage {
  uid: number;
  flags: string[];
  source: Buffer;
}

/**
 * OAuth2 logins (SASL XOAUTH2/OAUTHBEARER) besides the passwords: Dovecot's oauth2 passdb asks the
 * authorization server's introspection endpoint (RFC 7662) about each token and accepts it when
 * the answer is active and its `username` is the login user. Every login is checked anew (no
 * auth cache), so a revoked token is refused at once.
 */
export interface DovecotOAuth2 {
  /** http://client:secret@host:port/path of the introspection endpoint. */
  introspectionUrl: string;
  /** The SASL mechanisms offered for tokens (default both). */
  mechanisms?: Array<'xoauth2' | 'oauthbearer'>;
}

export interface DovecotHandle {
  host: string;
  port: number;
  /** Dovecot's log so far (logins with their SASL method, with auth_verbose). */
  log(): Promise<string>;
  /** `imap://user:pass@host:port/INBOX` for one of the users. */
  url(user: string, pass: string, mailbox?: string): string;
  stop(): Promise<void>;
  /** APPENDs raw bytes to the user's INBOX, as a delivery agent or another client would. */
  append(user: string, pass: string, raw: Buffer, flags?: string[]): Promise<void>;
  /**
   * Every message of a mailbox with its flags and bytes; [] when the mailbox does not exist. An
   * array names a nested mailbox level by level (the separator is the server's).
   */
  messages(user: string, pass: string, mailbox?: string | string[]): Promise<DovecotMessage[]>;
}

const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 25;
// Dovecot's master waits for its children on SIGTERM: about 3 s was measured, so 15 s is ample.
const STOP_TIMEOUT_MS = 15_000;
// The mail uid: nobody/nogroup, so that no real account owns test mail.
const MAIL_UID = 65534;

/** True once the server sends its IMAP greeting (`* OK ...`). */
function greets(port: number): Promise<boolean> {
  return answers(port, (r) => (r.includes('\n') ? r.startsWith('* OK') : null));
}

function config(dir: string, port: number, oauth2: DovecotOAuth2 | null): string {
  const oauthMechanisms = (oauth2?.mechanisms ?? ['xoauth2', 'oauthbearer']).join(' ');
  return [
    `instance_name = supportal-test-${port}`,
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    'protocols = imap',
    'listen = 127.0.0.1',
    // Without TLS Dovecot needs no certificate; the tests run on loopback only.
    'ssl = no',
    'disable_plaintext_auth = no',
    `auth_mechanisms = plain login${oauth2 ? ` ${oauthMechanisms}` : ''}`,
    // Each login with its SASL method in the log, so that a test can see which one was used.
    'auth_verbose = yes',
    'auth_failure_delay = 0',
    `log_path = ${join(dir, 'dovecot.log')}`,
    `mail_location = maildir:${join(dir, 'mail')}/%u/Maildir`,
    `mail_uid = ${MAIL_UID}`,
    `mail_gid = ${MAIL_UID}`,
    // Dovecot refuses mail uids below first_valid_uid (default 500); 1 accepts any test uid.
    'first_valid_uid = 1',
    'default_login_user = dovenull',
    'default_internal_user = dovecot',
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${join(dir, 'users')}`,
    ...(oauth2 ? ['  mechanisms = plain login'] : []),
    '}',
    ...(oauth2 ? ['passdb {', '  driver = oauth2', `  mechanisms = ${oauthMechanisms}`, `  args = ${join(dir, 'oauth2.conf.ext')}`, '}'] : []),
    'userdb {',
    '  driver = static',
    `  args = home=${join(dir, 'mail')}/%u`,
    '}',
    // Dovecot delays logins from an IP after failed ones (2 s doubling to 15 s, tracked by anvil);
    // a test of a wrong password would slow every later login. This turns the tracking off.
    'service anvil {',
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
    'service imap-login {',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    '}',
    '',
  ].join('\n');
}

async function withClient<T>(host: string, port: number, user: string, pass: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host, port, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function oauth2Config(o: DovecotOAuth2): string {
  return [
    'introspection_mode = post',
    `introspection_url = ${o.introspectionUrl}`,
    'username_attribute = username',
    'active_attribute = active',
    'active_value = true',
    'tokeninfo_url =',
    '',
  ].join('\n');
}

export async function startDovecot(users: DovecotUser[], opts: { oauth2?: DovecotOAuth2 } = {}): Promise<DovecotHandle> {
  const binary = findExecutable('dovecot');
  if (binary === null) {
    throw new Error('dovecot not found: install the Debian package dovecot-imapd (apt-get install dovecot-imapd)');
  }
  for (const u of users) {
    if (!/^[A-Za-z0-9._@+-]+$/.test(u.user) || /[:\n]/.test(u.pass)) throw new Error(`unusable test user ${u.user}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dovecot-'));
  // Dovecot's auth and mail processes run as other users and must traverse the dir (0700 fails
  // every login with "Temporary authentication failure").
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  await mkdir(join(dir, 'mail'));
  if (process.getuid?.() === 0) await chown(join(dir, 'mail'), MAIL_UID, MAIL_UID);
  await writeFile(join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.pass}::::::\n`).join(''));
  if (opts.oauth2) await writeFile(join(dir, 'oauth2.conf.ext'), oauth2Config(opts.oauth2));
  const host = '127.0.0.1';

  // A port picked free can be taken before Dovecot binds it; then it exits and we try another.
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const configPath = join(dir, 'dovecot.conf');
    await writeFile(configPath, config(dir, port, opts.oauth2 ?? null));
    const started = await spawnUntilReady(binary, ['-c', configPath, '-F'], () => greets(port), { timeoutMs: READY_TIMEOUT_MS, pollMs: POLL_MS });
    if (started.ok) {
      const { service } = started;
      return {
        host,
        port,
        log: () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
        url: (user, pass, mailbox = 'INBOX') =>
          `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${host}:${port}/${encodeURIComponent(mailbox)}`,
        async stop() {
          await service.stop(STOP_TIMEOUT_MS);
          await rm(dir, { recursive: true, force: true });
        },
        async append(user, pass, raw, flags = []) {
          await withClient(host, port, user, pass, async (c) => {
            const r = await c.append('INBOX', raw, flags);
            if (!r) throw new Error(`APPEND for ${user} was refused`);
          });
        },
        async messages(user, pass, mailbox = 'INBOX') {
          return withClient(host, port, user, pass, async (c) => {
            const status = await c.status(mailbox, { messages: true }).catch(() => false as const);
            if (status === false) return [];
            const lock = await c.getMailboxLock(mailbox, { readOnly: true });
            try {
              if (status.messages === 0) return [];
              const out: DovecotMessage[] = [];
              for await (const m of c.fetch('1:*', { uid: true, flags: true, source: true })) {
                out.push({ uid: m.uid, flags: [...(m.flags ?? [])].sort(), source: m.source ?? Buffer.alloc(0) });
              }
              return out;
            } finally {
              lock.release();
            }
          });
        },
      };
    }
    const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
    lastError = `${lastError} ${started.error} ${log.split('\n').slice(-5).join(' | ')}`.trim();
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`dovecot did not become ready: ${lastError}`);
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import proxyAddr from '@fastify/proxy-addr';
import { LIMITS } from './limits.js';
import { MASK, maskSecret, maskUrlSecrets } from './mask-secrets.js';

/**
 * One validated configuration for every command. Sources, later wins: built-in defaults, the
 * optional JSON config file (`SUPPORTAL_CONFIG` or `<data dir>/supportal.json`), environment
 * variables. Every command validates it before it touches anything, so a typo never half-starts.
 */

const port = z.coerce.number().int().min(0).max(65535);
const optionalPort = z.union([z.literal(''), port]).transform((v) => (v === '' ? null : v));
const email = z.string().trim().toLowerCase().email();
const language = z.enum(['de', 'en']);
/** Days until data is deleted; empty = kept (off). At most 100 years: a typo, not a policy. */
const retentionDays = z.union([z.literal(''), z.coerce.number().int().min(1).max(36500)]).transform((v) => (v === '' ? null : v));

/**
 * Proxy addresses, checked by the very parser Fastify hands them to (proxy-addr), so that what
 * passes here is what Fastify trusts: IPs, CIDRs and the names loopback, linklocal, uniquelocal.
 */
const trustedProxies = z
  .string()
  .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
  .superRefine((list, ctx) => {
    for (const a of list) {
      try {
        proxyAddr.compile(a);
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${a}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal` });
        return;
      }
    }
  });
/** host:port for a second listener (metrics); empty = off. */
const listenAddress = z
  .string()
  .refine((v) => v === '' || /^(\[[0-9a-f:.]+\]|[^\s:]+):\d{1,5}$/i.test(v) && Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'must be host:port, e.g. 127.0.0.1:9464')
  .transform((v) => {
    if (v === '') return null;
    const i = v.lastIndexOf(':');
    return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(v.slice(i + 1)) };
  });

/**
 * SUPPORTAL_MAILBOXES: inbound mailboxes with their own credentials, a JSON array (in the config
 * file an array as it is). Each is stored (secrets sealed) and shown on the admin's mailboxes page,
 * read-only there. The full check of an entry (which fields a preset needs) runs when it is
 * stored, at start; this checks the shape.
 */
const configMailbox = z
  .object({
    key: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'key: lower-case letters, digits and dashes, 1–40 characters'),
    user: z.string().min(1),
    imapUrl: z.string().regex(/^imaps?:\/\/[^/@\s]+(\/.*)?$/, 'imapUrl: imap[s]://host:port/FOLDER without credentials'),
    password: z.string().min(1).optional(),
    oauth: z
      .object({
        preset: z.enum(['microsoft', 'google', 'oidc']),
        clientId: z.string().min(1),
        tenant: z.string().min(1).optional(),
        issuer: z.string().url().optional(),
        scope: z.string().min(1).optional(),
        clientSecret: z.string().min(1).optional(),
        certificatePem: z.string().min(1).optional(),
        privateKeyPem: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((m) => Boolean(m.password) !== Boolean(m.oauth), 'each mailbox needs either a password or oauth settings');
export type ConfigMailbox = z.infer<typeof configMailbox>;
const mailboxesSetting = z
  .union([z.string(), z.array(z.unknown())])
  .transform((v, ctx) => {
    if (v === '') return [];
    try {
      return typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(configMailbox))
  .superRefine((list, ctx) => {
    const keys = list.map((m) => m.key);
    const twice = keys.find((k, i) => keys.indexOf(k) !== i);
    if (twice) ctx.addIssue({ code: 'custom', message: `the key "${twice}" is used twice` });
  });

const schema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .refine((v) => /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(v), 'must start with postgres://, postgresql://, sqlite: or file:'),
  httpHost: z.string().min(1),
  httpPort: port,
  smtpHost: z.string().min(1),
  smtpPort: optionalPort,
  lmtpPort: optionalPort,
  mailDomain: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+$/, 'must be a domain name like example.com'),
  supportAddress: email,
  noreplyAddress: email,
  bounceAddress: email,
  relayUrl: z
    .string()
    .refine((v) => v === '' || /^smtps?:\/\//.test(v), 'must be smtp://… or smtps://…')
    .transform((v) => (v === '' ? null : v)),
  clamav: z
    .string()
    .refine((v) => v === '' || /^tcp:\/\/[^:]+:\d+$/.test(v) || isAbsolute(v), 'must be tcp://host:port or an absolute socket path')
    .transform((v) => (v === '' ? null : v)),
  maxMessageBytes: z.coerce.number().int().min(1024).max(LIMITS.maxMessageBytesCeiling),
  defaultLanguage: language,
  secret: z.string().min(32, 'must be at least 32 characters'),
  publicUrl: z.string().url().transform((v) => v.replace(/\/+$/, '')),
  caseTokenLabel: z.string().min(1).max(20).regex(/^[\p{L} ]+$/u, 'letters and spaces only'),
  plusAddressing: z.enum(['on', 'off']).transform((v) => v === 'on'),
  dkimDomain: z.string(),
  dkimSelector: z.string(),
  dkimPrivateKeyFile: z.string(),
  autoMailsPerSenderPerHour: z.coerce.number().int().min(1).max(10000),
  senderAuth: z.enum(['on', 'off']).transform((v) => v === 'on'),
  tlsKeyFile: z.string(),
  tlsCertFile: z.string(),
  imapUrl: z
    .string()
    .refine((v) => v === '' || /^imaps?:\/\//.test(v), 'must be imap://user:pass@host:port/MAILBOX or imaps://…')
    .transform((v) => (v === '' ? null : v)),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  workers: z.enum(['on', 'off']).transform((v) => v === 'on'),
  rawMailRetentionDays: retentionDays,
  rejectedMailRetentionDays: retentionDays,
  trustProxy: trustedProxies,
  accessLog: z.enum(['on', 'off']).transform((v) => v === 'on'),
  metricsToken: z
    .string()
    .refine((v) => v === '' || v.length >= 16, 'must be at least 16 characters (or empty = off)')
    .transform((v) => (v === '' ? null : v)),
  metricsListen: listenAddress,
  mailboxes: mailboxesSetting,
  dnsServers: z
    .string()
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((x) => /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])(:\d{1,5})?$/i.test(x) || /^[0-9a-f:]+$/i.test(x)), 'must be comma-separated IP addresses, each with an optional :port'),
  // LMTP is for a local MTA only (RELIABILITY E8): loopback or a Unix socket by default, and the
  // Received header is believed only from the MTAs named here.
  lmtpHost: z.string().min(1),
  lmtpSocket: z
    .string()
    .refine((v) => v === '' || isAbsolute(v), 'must be an absolute path')
    .transform((v) => (v === '' ? null : v)),
  lmtpTrustedMtas: trustedProxies,
});

export type Config = z.infer<typeof schema>;

/** The setting names users write: environment variable → config key. The single source for docs and errors. */
export const SETTINGS: ReadonlyArray<{ env: string; key: keyof Config; secret?: boolean; help: string }> = [
  { env: 'SUPPORTAL_DATA_DIR', key: 'dataDir', help: 'directory for the SQLite database, the generated secret and local files (default ./data)' },
  { env: 'SUPPORTAL_DATABASE_URL', key: 'databaseUrl', secret: true, help: 'sqlite:PATH (default: <data dir>/supportal.sqlite) or postgres://user:pass@host:port/db' },
  { env: 'SUPPORTAL_HTTP_HOST', key: 'httpHost', help: 'address the web server listens on (default 127.0.0.1)' },
  { env: 'SUPPORTAL_HTTP_PORT', key: 'httpPort', help: 'web server port (default 3000)' },
  { env: 'SUPPORTAL_SMTP_HOST', key: 'smtpHost', help: 'address the SMTP/LMTP listeners bind (default 127.0.0.1)' },
  { env: 'SUPPORTAL_SMTP_PORT', key: 'smtpPort', help: 'SMTP listener port (default 2525; empty = off)' },
  { env: 'SUPPORTAL_LMTP_PORT', key: 'lmtpPort', help: 'LMTP listener port (default off)' },
  { env: 'SUPPORTAL_MAIL_DOMAIN', key: 'mailDomain', help: 'domain of Message-IDs and addresses (default the support address domain)' },
  { env: 'SUPPORTAL_SUPPORT_ADDRESS', key: 'supportAddress', help: 'where customers reply (default support@<mail domain>)' },
  { env: 'SUPPORTAL_NOREPLY_ADDRESS', key: 'noreplyAddress', help: 'sender of receipts and notices (default no-reply@<mail domain>)' },
  { env: 'SUPPORTAL_BOUNCE_ADDRESS', key: 'bounceAddress', help: 'envelope sender base for VERP bounces (default bounces@<mail domain>)' },
  { env: 'SUPPORTAL_RELAY_URL', key: 'relayUrl', secret: true, help: 'outbound relay smtp[s]://user:pass@host:port; unset = mails are held in the local outbox' },
  { env: 'SUPPORTAL_CLAMAV', key: 'clamav', help: 'clamd address tcp://host:port or a socket path; unset = attachments are not scanned' },
  { env: 'SUPPORTAL_MAX_MESSAGE_BYTES', key: 'maxMessageBytes', help: 'largest accepted mail in bytes (default 26214400 = 25 MiB)' },
  { env: 'SUPPORTAL_DEFAULT_LANGUAGE', key: 'defaultLanguage', help: 'de or en: language for unknown senders (default de)' },
  { env: 'SUPPORTAL_SECRET', key: 'secret', secret: true, help: 'HMAC key for Message-IDs and sessions; generated into the data dir on first start' },
  { env: 'SUPPORTAL_PUBLIC_URL', key: 'publicUrl', help: 'the portal address used in mails (default http://<http host>:<http port>)' },
  { env: 'SUPPORTAL_CASE_TOKEN_LABEL', key: 'caseTokenLabel', help: 'label of the subject token, e.g. Case → [Case #10042] (default Case)' },
  { env: 'SUPPORTAL_PLUS_ADDRESSING', key: 'plusAddressing', help: 'on/off: Reply-To support+<case>-<token>@… (default on)' },
  { env: 'SUPPORTAL_DKIM_DOMAIN', key: 'dkimDomain', help: 'DKIM signing domain (default: no signing)' },
  { env: 'SUPPORTAL_DKIM_SELECTOR', key: 'dkimSelector', help: 'DKIM selector' },
  { env: 'SUPPORTAL_DKIM_PRIVATE_KEY_FILE', key: 'dkimPrivateKeyFile', help: 'PEM file of the DKIM private key' },
  { env: 'SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR', key: 'autoMailsPerSenderPerHour', help: 'cap on receipts + notices to one sender per hour (default 30)' },
  { env: 'SUPPORTAL_SENDER_AUTH', key: 'senderAuth', help: 'on/off: SPF/DKIM/DMARC checks on SMTP/LMTP mail (default on)' },
  { env: 'SUPPORTAL_TLS_KEY_FILE', key: 'tlsKeyFile', help: 'PEM key for STARTTLS on the SMTP/LMTP listeners' },
  { env: 'SUPPORTAL_TLS_CERT_FILE', key: 'tlsCertFile', help: 'PEM certificate for STARTTLS' },
  { env: 'SUPPORTAL_IMAP_URL', key: 'imapUrl', secret: true, help: 'mailbox to fetch from: imap[s]://user:pass@host:port/INBOX (default off)' },
  { env: 'SUPPORTAL_LOG_LEVEL', key: 'logLevel', help: 'pino log level (default info)' },
  { env: 'SUPPORTAL_WORKERS', key: 'workers', help: 'on/off: run background workers (outbox, inbound jobs) in serve (default on)' },
  { env: 'SUPPORTAL_RAW_MAIL_RETENTION_DAYS', key: 'rawMailRetentionDays', help: 'delete the raw source of processed mails after N days (default off; the admin page may override)' },
  { env: 'SUPPORTAL_REJECTED_MAIL_RETENTION_DAYS', key: 'rejectedMailRetentionDays', help: 'delete rejected and quarantined mails after N days (default off; the admin page may override)' },
  { env: 'SUPPORTAL_TRUST_PROXY', key: 'trustProxy', help: 'comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For/-Proto count, e.g. 127.0.0.1 or 10.0.0.0/8 (default none)' },
  { env: 'SUPPORTAL_ACCESS_LOG', key: 'accessLog', help: 'on/off: one log line per HTTP request with the client IP (default off)' },
  { env: 'SUPPORTAL_METRICS_TOKEN', key: 'metricsToken', secret: true, help: 'bearer token for GET /metrics on the web port, at least 16 characters (default: no /metrics there)' },
  { env: 'SUPPORTAL_DNS_SERVERS', key: 'dnsServers', help: 'comma-separated resolvers for SPF/DKIM/DMARC lookups, e.g. 127.0.0.1:53 (default: the system resolver)' },
  { env: 'SUPPORTAL_METRICS_LISTEN', key: 'metricsListen', help: 'host:port of a separate listener serving GET /metrics without a token, e.g. 127.0.0.1:9464 (default off)' },
  { env: 'SUPPORTAL_LMTP_HOST', key: 'lmtpHost', help: 'address the LMTP listener binds (default 127.0.0.1: LMTP is for an MTA on this machine)' },
  { env: 'SUPPORTAL_LMTP_SOCKET', key: 'lmtpSocket', help: 'absolute path of a Unix socket for LMTP instead of a port (default off)' },
  { env: 'SUPPORTAL_LMTP_TRUSTED_MTAS', key: 'lmtpTrustedMtas', help: 'comma-separated addresses or CIDRs of the MTAs whose Received header names the real client for SPF (default loopback; a Unix socket peer is always trusted)' },
  { env: 'SUPPORTAL_MAILBOXES', key: 'mailboxes', secret: true, help: 'inbound mailboxes as a JSON array of {key, user, imapUrl, password | oauth: {preset: microsoft|google|oidc, clientId, tenant, issuer, clientSecret, …}}; see docs/mailboxes.md (default none)' },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Resolve and validate the configuration; throws ConfigError with one readable line. */
export function loadConfig(env: Env = process.env, opts: { createSecret?: boolean } = {}): Config {
  const dataDir = resolve(env.SUPPORTAL_DATA_DIR ?? './data');
  const fileValues = readConfigFile(env.SUPPORTAL_CONFIG ?? join(dataDir, 'supportal.json'), Boolean(env.SUPPORTAL_CONFIG));
  const raw: Record<string, unknown> = { ...fileValues };
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v !== undefined) raw[s.key] = v;
  }
  raw.dataDir = dataDir;
  const supportDefaultDomain = typeof raw.supportAddress === 'string' && raw.supportAddress.includes('@')
    ? raw.supportAddress.split('@')[1]
    : undefined;
  const mailDomain = (raw.mailDomain as string | undefined) ?? supportDefaultDomain ?? 'supportal.localhost';
  const httpHost = (raw.httpHost as string | undefined) ?? '127.0.0.1';
  const httpPort = (raw.httpPort as string | number | undefined) ?? 3000;
  const defaults: Record<string, unknown> = {
    databaseUrl: `sqlite:${join(dataDir, 'supportal.sqlite')}`,
    httpHost,
    httpPort,
    smtpHost: '127.0.0.1',
    smtpPort: 2525,
    lmtpPort: '',
    mailDomain,
    supportAddress: `support@${mailDomain}`,
    noreplyAddress: `no-reply@${mailDomain}`,
    bounceAddress: `bounces@${mailDomain}`,
    relayUrl: '',
    clamav: '',
    maxMessageBytes: LIMITS.maxMessageBytes,
    defaultLanguage: 'de',
    publicUrl: `http://${httpHost === '0.0.0.0' ? 'localhost' : httpHost}:${httpPort}`,
    caseTokenLabel: 'Case',
    plusAddressing: 'on',
    dkimDomain: '',
    dkimSelector: '',
    dkimPrivateKeyFile: '',
    autoMailsPerSenderPerHour: 30,
    senderAuth: 'on',
    tlsKeyFile: '',
    tlsCertFile: '',
    imapUrl: '',
    logLevel: 'info',
    workers: 'on',
    rawMailRetentionDays: '',
    rejectedMailRetentionDays: '',
    trustProxy: '',
    accessLog: 'off',
    metricsToken: '',
    metricsListen: '',
    mailboxes: '',
    dnsServers: '',
    lmtpHost: '127.0.0.1',
    lmtpSocket: '',
    lmtpTrustedMtas: 'loopback',
  };
  for (const [k, v] of Object.entries(defaults)) if (raw[k] === undefined) raw[k] = v;
  let secretToStore: string | null = null;
  if (raw.secret === undefined) {
    const existing = readSecret(dataDir);
    if (existing) raw.secret = existing;
    else raw.secret = secretToStore = randomBytes(32).toString('base64url');
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const setting = SETTINGS.find((s) => s.key === key);
    const shown = setting?.secret ? '(hidden)' : JSON.stringify(raw[key]);
    const at = issue.path.length > 1 ? ` at ${issue.path.slice(1).join('.')}` : '';
    throw new ConfigError(`invalid setting ${setting?.env ?? key}=${shown}: ${issue.message}${at}; expected ${setting?.help ?? 'a valid value'}`);
  }
  const c = parsed.data;
  if ((c.dkimDomain || c.dkimSelector || c.dkimPrivateKeyFile) && !(c.dkimDomain && c.dkimSelector && c.dkimPrivateKeyFile)) {
    throw new ConfigError('invalid setting SUPPORTAL_DKIM_*: DKIM needs SUPPORTAL_DKIM_DOMAIN, SUPPORTAL_DKIM_SELECTOR and SUPPORTAL_DKIM_PRIVATE_KEY_FILE together');
  }
  if (c.lmtpSocket && c.lmtpPort !== null) {
    throw new ConfigError('invalid setting SUPPORTAL_LMTP_SOCKET/SUPPORTAL_LMTP_PORT: LMTP listens on a Unix socket or a port, set one of them');
  }
  if (Boolean(c.tlsKeyFile) !== Boolean(c.tlsCertFile)) {
    throw new ConfigError('invalid setting SUPPORTAL_TLS_KEY_FILE/SUPPORTAL_TLS_CERT_FILE: set both or neither');
  }
  // Written only after everything validated: a bad setting creates nothing.
  if (secretToStore && opts.createSecret) storeSecret(dataDir, secretToStore);
  return c;
}

function readConfigFile(path: string, required: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (required) throw new ConfigError(`config file ${path} (SUPPORTAL_CONFIG) does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  const known = new Set(SETTINGS.map((s) => s.key as string));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!known.has(k)) throw new ConfigError(`config file ${path}: unknown setting "${k}"; known: ${[...known].join(', ')}`);
    out[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  }
  return out;
}

function readSecret(dataDir: string): string | null {
  const file = join(dataDir, 'secret.key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** Read-only commands never write; the generated value then only serves this run. */
function storeSecret(dataDir: string, secret: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, 'secret.key'), secret + '\n', { mode: 0o600, flag: 'wx' });
}

/** The resolved settings for `print-config`, secrets masked (passwords inside URLs too). */
export function describeConfig(c: Config): Array<{ env: string; value: string }> {
  return SETTINGS.map((s) => {
    const v = c[s.key];
    let shown = v === null ? '' : Array.isArray(v) ? v.join(',') : s.key === 'metricsListen' && c.metricsListen ? `${c.metricsListen.host.includes(':') ? `[${c.metricsListen.host}]` : c.metricsListen.host}:${c.metricsListen.port}` : String(v);
    // Every secret setting is a whole secret, a URL that may carry one (user info or query), or the mailbox list.
    if (s.key === 'mailboxes') shown = c.mailboxes.length ? JSON.stringify(c.mailboxes.map(maskMailbox)) : '';
    else if (s.key === 'secret' || s.key === 'metricsToken') shown = maskSecret(shown);
    else if (s.secret && shown) shown = maskUrlSecrets(shown);
    return { env: s.env, value: shown };
  });
}


/** A mailbox entry for print-config: passwords, client secrets and private keys masked. */
function maskMailbox(m: ConfigMailbox): ConfigMailbox {
  const o = m.oauth;
  return {
    ...m,
    ...(m.password ? { password: MASK } : {}),
    ...(o ? { oauth: { ...o, ...(o.clientSecret ? { clientSecret: MASK } : {}), ...(o.privateKeyPem ? { privateKeyPem: MASK } : {}) } } : {}),
  };
}

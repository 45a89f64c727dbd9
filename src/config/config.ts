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
export const SETTINGS: ReadonlyArray<{ env: string; key: keyof Config; secret?: boolean; help: string; helpDe: string }> = [
  { env: 'SUPPORTAL_DATA_DIR', key: 'dataDir', help: 'directory for the SQLite database, the generated secret and local files (default ./data)', helpDe: 'Verzeichnis für die SQLite-Datenbank, das erzeugte Geheimnis und lokale Dateien (Standard ./data)' },
  { env: 'SUPPORTAL_DATABASE_URL', key: 'databaseUrl', secret: true, help: 'sqlite:PATH (default: <data dir>/supportal.sqlite) or postgres://user:pass@host:port/db', helpDe: 'sqlite:PFAD (Standard: <Datenverzeichnis>/supportal.sqlite) oder postgres://benutzer:passwort@host:port/db' },
  { env: 'SUPPORTAL_HTTP_HOST', key: 'httpHost', help: 'address the web server listens on (default 127.0.0.1)', helpDe: 'Adresse, auf der der Webserver lauscht (Standard 127.0.0.1)' },
  { env: 'SUPPORTAL_HTTP_PORT', key: 'httpPort', help: 'web server port (default 3000)', helpDe: 'Port des Webservers (Standard 3000)' },
  { env: 'SUPPORTAL_SMTP_HOST', key: 'smtpHost', help: 'address the SMTP/LMTP listeners bind (default 127.0.0.1)', helpDe: 'Adresse, an die sich SMTP- und LMTP-Empfang binden (Standard 127.0.0.1)' },
  { env: 'SUPPORTAL_SMTP_PORT', key: 'smtpPort', help: 'SMTP listener port (default 2525; empty = off)', helpDe: 'Port des SMTP-Empfangs (Standard 2525; leer = aus)' },
  { env: 'SUPPORTAL_LMTP_PORT', key: 'lmtpPort', help: 'LMTP listener port (default off)', helpDe: 'Port des LMTP-Empfangs (Standard aus)' },
  { env: 'SUPPORTAL_MAIL_DOMAIN', key: 'mailDomain', help: 'domain of Message-IDs and addresses (default the support address domain)', helpDe: 'Domain der Message-IDs und Adressen (Standard die Domain der Support-Adresse)' },
  { env: 'SUPPORTAL_SUPPORT_ADDRESS', key: 'supportAddress', help: 'where customers reply (default support@<mail domain>)', helpDe: 'wohin Kunden antworten (Standard support@<Mail-Domain>)' },
  { env: 'SUPPORTAL_NOREPLY_ADDRESS', key: 'noreplyAddress', help: 'sender of receipts and notices (default no-reply@<mail domain>)', helpDe: 'Absender der Eingangsbestätigungen und Hinweise (Standard no-reply@<Mail-Domain>)' },
  { env: 'SUPPORTAL_BOUNCE_ADDRESS', key: 'bounceAddress', help: 'envelope sender base for VERP bounces (default bounces@<mail domain>)', helpDe: 'Grundadresse des Umschlagabsenders für VERP-Rückläufer (Standard bounces@<Mail-Domain>)' },
  { env: 'SUPPORTAL_RELAY_URL', key: 'relayUrl', secret: true, help: 'outbound relay smtp[s]://user:pass@host:port; unset = mails are held in the local outbox', helpDe: 'Relay für ausgehende Mails smtp[s]://benutzer:passwort@host:port; nicht gesetzt = Mails bleiben im lokalen Postausgang' },
  { env: 'SUPPORTAL_CLAMAV', key: 'clamav', help: 'clamd address tcp://host:port or a socket path; unset = attachments are not scanned', helpDe: 'Adresse von clamd tcp://host:port oder ein Socket-Pfad; nicht gesetzt = Anhänge werden nicht geprüft' },
  { env: 'SUPPORTAL_MAX_MESSAGE_BYTES', key: 'maxMessageBytes', help: 'largest accepted mail in bytes (default 26214400 = 25 MiB)', helpDe: 'größte angenommene Mail in Bytes (Standard 26214400 = 25 MiB)' },
  { env: 'SUPPORTAL_DEFAULT_LANGUAGE', key: 'defaultLanguage', help: 'de or en: language for unknown senders (default de)', helpDe: 'de oder en: Sprache für unbekannte Absender (Standard de)' },
  { env: 'SUPPORTAL_SECRET', key: 'secret', secret: true, help: 'HMAC key for Message-IDs and sessions; generated into the data dir on first start', helpDe: 'HMAC-Schlüssel für Message-IDs und Sitzungen; beim ersten Start im Datenverzeichnis erzeugt' },
  { env: 'SUPPORTAL_PUBLIC_URL', key: 'publicUrl', help: 'the portal address used in mails (default http://<http host>:<http port>)', helpDe: 'die Adresse des Portals in Mails (Standard http://<HTTP-Host>:<HTTP-Port>)' },
  { env: 'SUPPORTAL_CASE_TOKEN_LABEL', key: 'caseTokenLabel', help: 'label of the subject token, e.g. Case → [Case #10042] (default Case)', helpDe: 'Bezeichnung im Betreff-Kennzeichen, z. B. Case → [Case #10042] (Standard Case)' },
  { env: 'SUPPORTAL_PLUS_ADDRESSING', key: 'plusAddressing', help: 'on/off: Reply-To support+<case>-<token>@… (default on)', helpDe: 'on/off: Reply-To support+<Fall>-<Token>@… (Standard on)' },
  { env: 'SUPPORTAL_DKIM_DOMAIN', key: 'dkimDomain', help: 'DKIM signing domain (default: no signing)', helpDe: 'DKIM-Signaturdomain (Standard: keine Signatur)' },
  { env: 'SUPPORTAL_DKIM_SELECTOR', key: 'dkimSelector', help: 'DKIM selector', helpDe: 'DKIM-Selektor' },
  { env: 'SUPPORTAL_DKIM_PRIVATE_KEY_FILE', key: 'dkimPrivateKeyFile', help: 'PEM file of the DKIM private key', helpDe: 'PEM-Datei des privaten DKIM-Schlüssels' },
  { env: 'SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR', key: 'autoMailsPerSenderPerHour', help: 'cap on receipts + notices to one sender per hour (default 30)', helpDe: 'Obergrenze für Bestätigungen und Hinweise an einen Absender pro Stunde (Standard 30)' },
  { env: 'SUPPORTAL_SENDER_AUTH', key: 'senderAuth', help: 'on/off: SPF/DKIM/DMARC checks on SMTP/LMTP mail (default on)', helpDe: 'on/off: SPF-, DKIM- und DMARC-Prüfung von SMTP- und LMTP-Mails (Standard on)' },
  { env: 'SUPPORTAL_TLS_KEY_FILE', key: 'tlsKeyFile', help: 'PEM key for STARTTLS on the SMTP/LMTP listeners', helpDe: 'PEM-Schlüssel für STARTTLS beim SMTP- und LMTP-Empfang' },
  { env: 'SUPPORTAL_TLS_CERT_FILE', key: 'tlsCertFile', help: 'PEM certificate for STARTTLS', helpDe: 'PEM-Zertifikat für STARTTLS' },
  { env: 'SUPPORTAL_IMAP_URL', key: 'imapUrl', secret: true, help: 'mailbox to fetch from: imap[s]://user:pass@host:port/INBOX (default off)', helpDe: 'Postfach zum Abholen: imap[s]://benutzer:passwort@host:port/INBOX (Standard aus)' },
  { env: 'SUPPORTAL_LOG_LEVEL', key: 'logLevel', help: 'pino log level (default info)', helpDe: 'pino-Protokollstufe (Standard info)' },
  { env: 'SUPPORTAL_WORKERS', key: 'workers', help: 'on/off: run background workers (outbox, inbound jobs) in serve (default on)', helpDe: 'on/off: Hintergrundarbeit (Postausgang, eingehende Mails) in serve (Standard on)' },
  { env: 'SUPPORTAL_RAW_MAIL_RETENTION_DAYS', key: 'rawMailRetentionDays', help: 'delete the raw source of processed mails after N days (default off; the admin page may override)', helpDe: 'Rohfassung verarbeiteter Mails nach N Tagen löschen (Standard aus; die Admin-Seite kann es ändern)' },
  { env: 'SUPPORTAL_REJECTED_MAIL_RETENTION_DAYS', key: 'rejectedMailRetentionDays', help: 'delete rejected and quarantined mails after N days (default off; the admin page may override)', helpDe: 'abgewiesene und zurückgehaltene Mails nach N Tagen löschen (Standard aus; die Admin-Seite kann es ändern)' },
  { env: 'SUPPORTAL_TRUST_PROXY', key: 'trustProxy', help: 'comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For/-Proto count, e.g. 127.0.0.1 or 10.0.0.0/8 (default none)', helpDe: 'kommagetrennte Adressen oder CIDR-Bereiche von Reverse-Proxys, deren X-Forwarded-For/-Proto gelten, z. B. 127.0.0.1 oder 10.0.0.0/8 (Standard keine)' },
  { env: 'SUPPORTAL_ACCESS_LOG', key: 'accessLog', help: 'on/off: one log line per HTTP request with the client IP (default off)', helpDe: 'on/off: eine Protokollzeile je HTTP-Anfrage mit der IP des Clients (Standard off)' },
  { env: 'SUPPORTAL_METRICS_TOKEN', key: 'metricsToken', secret: true, help: 'bearer token for GET /metrics on the web port, at least 16 characters (default: no /metrics there)', helpDe: 'Bearer-Token für GET /metrics auf dem Web-Port, mindestens 16 Zeichen (Standard: dort kein /metrics)' },
  { env: 'SUPPORTAL_DNS_SERVERS', key: 'dnsServers', help: 'comma-separated resolvers for SPF/DKIM/DMARC lookups, e.g. 127.0.0.1:53 (default: the system resolver)', helpDe: 'kommagetrennte Resolver für SPF-, DKIM- und DMARC-Abfragen, z. B. 127.0.0.1:53 (Standard: der Resolver des Systems)' },
  { env: 'SUPPORTAL_METRICS_LISTEN', key: 'metricsListen', help: 'host:port of a separate listener serving GET /metrics without a token, e.g. 127.0.0.1:9464 (default off)', helpDe: 'host:port eines eigenen Listeners für GET /metrics ohne Token, z. B. 127.0.0.1:9464 (Standard aus)' },
  { env: 'SUPPORTAL_LMTP_HOST', key: 'lmtpHost', help: 'address the LMTP listener binds (default 127.0.0.1: LMTP is for an MTA on this machine)', helpDe: 'Adresse, an die sich der LMTP-Empfang bindet (Standard 127.0.0.1: LMTP ist für einen MTA auf diesem Rechner)' },
  { env: 'SUPPORTAL_LMTP_SOCKET', key: 'lmtpSocket', help: 'absolute path of a Unix socket for LMTP instead of a port (default off)', helpDe: 'absoluter Pfad eines Unix-Sockets für LMTP statt eines Ports (Standard aus)' },
  { env: 'SUPPORTAL_LMTP_TRUSTED_MTAS', key: 'lmtpTrustedMtas', help: 'comma-separated addresses or CIDRs of the MTAs whose Received header names the real client for SPF (default loopback; a Unix socket peer is always trusted)', helpDe: 'kommagetrennte Adressen oder CIDR-Bereiche der MTAs, deren Received-Kopfzeile den wirklichen Client für SPF nennt (Standard loopback; ein Unix-Socket-Partner gilt immer)' },
  { env: 'SUPPORTAL_MAILBOXES', key: 'mailboxes', secret: true, help: 'inbound mailboxes as a JSON array of {key, user, imapUrl, password | oauth: {preset: microsoft|google|oidc, clientId, tenant, issuer, clientSecret, …}}; see docs/mailboxes.md (default none)', helpDe: 'Eingangspostfächer als JSON-Array von {key, user, imapUrl, password | oauth: {preset: microsoft|google|oidc, clientId, tenant, issuer, clientSecret, …}}; siehe docs/mailboxes.md (Standard keine)' },
];

/** A setting that cannot be used, in one line in German and English (`message` is the English one). */
export class ConfigError extends Error {
  readonly text: { de: string; en: string };
  constructor(text: { de: string; en: string }) {
    super(text.en);
    this.name = 'ConfigError';
    this.text = text;
  }
}

/** The German of the schema's own problem texts (their English is written beside each check above). */
const ISSUE_DE: ReadonlyArray<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^"(.*)" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal$/, (m) => `„${m[1]}“ ist weder eine IP-Adresse noch ein CIDR-Bereich noch loopback, linklocal oder uniquelocal`],
  [/^must be host:port, e\.g\. 127\.0\.0\.1:9464$/, () => 'muss host:port sein, z. B. 127.0.0.1:9464'],
  [/^key: lower-case letters, digits and dashes, 1–40 characters$/, () => 'key: Kleinbuchstaben, Ziffern und Bindestriche, 1–40 Zeichen'],
  [/^imapUrl: imap\[s\]:\/\/host:port\/FOLDER without credentials$/, () => 'imapUrl: imap[s]://host:port/ORDNER ohne Benutzer und Passwort'],
  [/^each mailbox needs either a password or oauth settings$/, () => 'jedes Postfach braucht entweder ein Passwort oder OAuth-Angaben'],
  [/^is not valid JSON$/, () => 'ist kein gültiges JSON'],
  [/^the key "(.*)" is used twice$/, (m) => `der Schlüssel „${m[1]}“ kommt zweimal vor`],
  [/^must start with postgres:\/\/, postgresql:\/\/, sqlite: or file:$/, () => 'muss mit postgres://, postgresql://, sqlite: oder file: beginnen'],
  [/^must be a domain name like example\.com$/, () => 'muss ein Domainname wie example.com sein'],
  [/^must be smtp:\/\/… or smtps:\/\/…$/, () => 'muss smtp://… oder smtps://… sein'],
  [/^must be tcp:\/\/host:port or an absolute socket path$/, () => 'muss tcp://host:port oder ein absoluter Socket-Pfad sein'],
  [/^must be at least (\d+) characters$/, (m) => `muss mindestens ${m[1]} Zeichen lang sein`],
  [/^letters and spaces only$/, () => 'nur Buchstaben und Leerzeichen'],
  [/^must be imap:\/\/user:pass@host:port\/MAILBOX or imaps:\/\/…$/, () => 'muss imap://benutzer:passwort@host:port/POSTFACH oder imaps://… sein'],
  [/^must be at least 16 characters \(or empty = off\)$/, () => 'muss mindestens 16 Zeichen lang sein (oder leer = aus)'],
  [/^must be an absolute path$/, () => 'muss ein absoluter Pfad sein'],
];

/** A zod problem in German: the schema's own texts translated, zod's generic ones said by their kind. */
function issueInGerman(issue: z.core.$ZodIssue): string {
  for (const [pattern, de] of ISSUE_DE) {
    const m = pattern.exec(issue.message);
    if (m) return de(m);
  }
  switch (issue.code) {
    case 'invalid_value':
      return `erlaubt: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return `zu klein (mindestens ${String(issue.minimum)})`;
    case 'too_big':
      return `zu groß (höchstens ${String(issue.maximum)})`;
    case 'invalid_type':
      return 'fehlt oder hat die falsche Art';
    case 'invalid_format':
      return 'hat das falsche Format';
    default:
      return 'ist ungültig';
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
    const where = issue.path.slice(1).join('.');
    throw new ConfigError({
      de: `ungültige Einstellung ${setting?.env ?? key}=${shown}: ${issueInGerman(issue)}${where ? ` bei ${where}` : ''}; erwartet: ${setting?.helpDe ?? 'ein gültiger Wert'}`,
      en: `invalid setting ${setting?.env ?? key}=${shown}: ${issue.message}${where ? ` at ${where}` : ''}; expected ${setting?.help ?? 'a valid value'}`,
    });
  }
  const c = parsed.data;
  if ((c.dkimDomain || c.dkimSelector || c.dkimPrivateKeyFile) && !(c.dkimDomain && c.dkimSelector && c.dkimPrivateKeyFile)) {
    throw new ConfigError({
      de: 'ungültige Einstellung SUPPORTAL_DKIM_*: DKIM braucht SUPPORTAL_DKIM_DOMAIN, SUPPORTAL_DKIM_SELECTOR und SUPPORTAL_DKIM_PRIVATE_KEY_FILE zusammen',
      en: 'invalid setting SUPPORTAL_DKIM_*: DKIM needs SUPPORTAL_DKIM_DOMAIN, SUPPORTAL_DKIM_SELECTOR and SUPPORTAL_DKIM_PRIVATE_KEY_FILE together',
    });
  }
  if (c.lmtpSocket && c.lmtpPort !== null) {
    throw new ConfigError({
      de: 'ungültige Einstellung SUPPORTAL_LMTP_SOCKET/SUPPORTAL_LMTP_PORT: LMTP lauscht auf einem Unix-Socket oder einem Port, setzen Sie nur eines davon',
      en: 'invalid setting SUPPORTAL_LMTP_SOCKET/SUPPORTAL_LMTP_PORT: LMTP listens on a Unix socket or a port, set one of them',
    });
  }
  if (Boolean(c.tlsKeyFile) !== Boolean(c.tlsCertFile)) {
    throw new ConfigError({
      de: 'ungültige Einstellung SUPPORTAL_TLS_KEY_FILE/SUPPORTAL_TLS_CERT_FILE: beide setzen oder keines',
      en: 'invalid setting SUPPORTAL_TLS_KEY_FILE/SUPPORTAL_TLS_CERT_FILE: set both or neither',
    });
  }
  // Written only after everything validated: a bad setting creates nothing.
  if (secretToStore && opts.createSecret) storeSecret(dataDir, secretToStore);
  return c;
}

function readConfigFile(path: string, required: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (required) throw new ConfigError({ de: `die Konfigurationsdatei ${path} (SUPPORTAL_CONFIG) gibt es nicht`, en: `config file ${path} (SUPPORTAL_CONFIG) does not exist` });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError({ de: `die Konfigurationsdatei ${path} ist kein gültiges JSON: ${(e as Error).message}`, en: `config file ${path} is not valid JSON: ${(e as Error).message}` });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError({ de: `die Konfigurationsdatei ${path} muss ein JSON-Objekt enthalten`, en: `config file ${path} must hold a JSON object` });
  }
  const known = new Set(SETTINGS.map((s) => s.key as string));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!known.has(k)) throw new ConfigError({ de: `Konfigurationsdatei ${path}: unbekannte Einstellung „${k}“; bekannt sind: ${[...known].join(', ')}`, en: `config file ${path}: unknown setting "${k}"; known: ${[...known].join(', ')}` });
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

import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from './config/config.js';
import { assertReachable, migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.js';
import { createStore } from './db/store.js';
import { argon2Hasher } from './security/argon2-hasher.js';
import { createNodemailerComposer } from './outbound/nodemailer-composer.js';
import { systemClock, type Clock } from './app/ports.js';
import type { AppContext, MailSettings } from './app/context.js';
import { createInstallationSettingsStore } from './db/stores/settings.js';
import { createInstallationSettings, type InstallationSettings } from './app/settings/installation-settings.js';
import { withTemplateOverrides } from './outbound/nodemailer-composer.js';
import { DEFAULT_ATTACHMENT_POLICY, type AttachmentPolicy } from './domain/attachment-policy.js';
import { createPrivacyStore } from './db/stores/privacy.js';
import { zipArchiveWriter } from './archive/zip-writer.js';
import type { PrivacyContext } from './app/privacy/ports.js';
import type { OutboxTools, ReplyDelivery } from './app/outbox-viewer/ports.js';
import { outboxMailReader } from './inbound/parse/outbox-mail-reader.js';
import { customerReplyComposer } from './outbound/customer-reply-composer.js';
import { zipMaker } from './archive/zip-maker.js';

/**
 * The composition root shared by `serve` and the CLI: the only place that knows every adapter.
 * Logs go to stderr so that `--json` output on stdout stays clean.
 */
export interface Runtime {
  config: Config;
  db: DatabaseHandle;
  ctx: AppContext;
  log: Logger;
  close(): Promise<void>;
}

export function mailSettings(c: Config): MailSettings {
  return {
    mailDomain: c.mailDomain,
    supportAddress: c.supportAddress,
    noreplyAddress: c.noreplyAddress,
    bounceAddress: c.bounceAddress,
    publicUrl: c.publicUrl,
    caseTokenLabel: c.caseTokenLabel,
    plusAddressing: c.plusAddressing,
    defaultLanguage: c.defaultLanguage,
    secret: c.secret,
    relayConfigured: c.relayUrl !== null,
    autoMailsPerSenderPerHour: c.autoMailsPerSenderPerHour,
    maxMessageBytes: c.maxMessageBytes,
    productName: 'Supportal',
  };
}

export async function createRuntime(opts: { env?: Record<string, string | undefined>; clock?: Clock; createSecret?: boolean; migrate?: boolean; config?: Config } = {}): Promise<Runtime> {
  const config = opts.config ?? loadConfig(opts.env ?? process.env, { createSecret: opts.createSecret ?? true });
  const log = pino({ level: config.logLevel, base: { app: 'supportal' } }, pino.destination(2));
  const db = openDatabase(config.databaseUrl);
  try {
    await assertReachable(db);
    if (opts.migrate ?? true) await migrateToLatest(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  const dkim = config.dkimDomain ? { domain: config.dkimDomain, selector: config.dkimSelector, privateKeyFile: config.dkimPrivateKeyFile } : null;
  const clock = opts.clock ?? systemClock;
  const ctx: AppContext = {
    store: createStore(db, clock),
    clock,
    hasher: argon2Hasher,
    mail: mailSettings(config),
    composer: createNodemailerComposer(dkim),
  };
  return { config, db, ctx, log, close: () => db.close() };
}

/**
 * The settings an admin edits in the web UI, over this runtime's database, and a context whose
 * composer renders the receipt and notice with the admin's wording. The configured size limit is
 * the ceiling: the SMTP listener announces it as SIZE when it starts.
 */
export function installationSettingsFor(runtime: Runtime, policy: AttachmentPolicy = DEFAULT_ATTACHMENT_POLICY): { installation: InstallationSettings; ctx: AppContext } {
  const installation = createInstallationSettings({
    store: createInstallationSettingsStore(runtime.db),
    defaults: { attachmentPolicy: policy, maxMessageBytes: runtime.config.maxMessageBytes },
  });
  return { installation, ctx: { ...runtime.ctx, composer: withTemplateOverrides(runtime.ctx.composer, installation) } };
}

/** What the data-protection use cases (export, erase, retention) get, over this runtime's database. */
export function privacyContextFor(runtime: Runtime): PrivacyContext {
  return {
    privacy: createPrivacyStore(runtime.db),
    archive: zipArchiveWriter,
    clock: runtime.ctx.clock,
    retentionDefaults: { rawMailDays: runtime.config.rawMailRetentionDays, rejectedMailDays: runtime.config.rejectedMailRetentionDays },
  };
}

/** The outbox viewer's adapters; `delivery` is how a reply "from the customer" comes in (null: it cannot). */
export function outboxToolsFor(delivery: ReplyDelivery | null): OutboxTools {
  return { reader: outboxMailReader, composer: customerReplyComposer, smtp: delivery, zip: zipMaker };
}

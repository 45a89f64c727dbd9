import type { FastifyInstance } from 'fastify';
import { createRuntime, installationSettingsFor, type Runtime } from './composition.js';
import { mailReaderFrom } from './app/desk/rejected-mail.js';
import { buildApp } from './http/app.js';
import { createWebStore } from './db/stores/web.js';
import { createPortalEventBus } from './app/live/event-bus.js';
import type { PortalEvent } from './app/live/ports.js';
import { startWorkerLoop, type WorkerLoop } from './workers/worker-loop.js';
import { runOutboxOnce } from './app/outbound/outbox-relay.js';
import { createGroupCommit } from './app/group-commit.js';
import { createSmtpTransport, RELAY_LOGIN_FAILED } from './outbound/smtp-transport.js';
import type { MailTransport } from './app/outbound/mail-transport.js';
import type { Config } from './config/config.js';
import { privateFileWarnings } from './config/private-files.js';
import type { Clock } from './app/ports.js';
import { startInbound, type InboundRuntime } from './start-inbound.js';
import type { IngestDeps } from './app/ingest/ports.js';
import { privacyContextFor } from './composition.js';
import { startRetentionSweep } from './workers/retention-sweep.js';
import { createMetrics, startMetricsListener, type Metrics } from './metrics/prometheus.js';
import { createMetricsSource } from './db/metrics-source.js';
import { LIMITS } from './config/limits.js';
import { loopbackSmtp } from './outbound/customer-reply-composer.js';
import { outboxToolsFor } from './composition.js';
import type { ReplyDelivery } from './app/outbox-viewer/ports.js';
import { ALL_ROLES, type ServeRole } from './config/roles.js';
import { openClusterSignals } from './db/cluster-signals.js';
import { createLeaseStore } from './db/stores/leases.js';
import { createRelayStateStore } from './db/stores/service-states.js';
import { createRelayStateTracker, relayTargetOf } from './app/outbound/relay-state.js';
import { runWhileLeased } from './workers/leased-task.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { mailboxContextFor, syncConfigMailboxes, tokenSourceFor } from './start-mailboxes.js';

/**
 * With LISTEN/NOTIFY (PostgreSQL) every process hears queued work at once; polling stays as the
 * safety net for work that becomes due later (retries, a dead node's lease running out) and for a
 * notification lost while the LISTEN connection reconnects. Without it (SQLite) processes next to
 * each other find each other's work by polling every 1–2 s.
 */
const POLL_WITH_NOTIFY_MS = 15_000;

/**
 * Stops a loop, waiting at most `ms` for its running tick. An outbox tick still talking to the
 * relay then is cut off by the exit; its mails are sent again after their lease, with the same
 * Message-ID (RELIABILITY C3): releasing them early could send a mail twice at once.
 */
async function stopWithin(loop: { stop(): Promise<void> }, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([loop.stop(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * `supportal serve`: HTTP, the SMTP/LMTP listeners and the background workers in one process.
 * On SIGTERM (`stop`) it stops accepting, lets in-flight sessions and jobs finish within
 * LIMITS.shutdownGraceMs, releases the jobs that did not, flushes and closes the database.
 */
export interface Server {
  runtime: Runtime;
  /** Null when this process has no `web` role. */
  http: FastifyInstance | null;
  httpUrl: string | null;
  /** This process among several on one database: host, pid and a random part (lease holders, logs). */
  nodeId: string;
  /** SUPPORTAL_METRICS_LISTEN's GET /metrics, when set. */
  metricsUrl: string | null;
  inbound: InboundRuntime;
  wakeOutbox(): void;
  stop(): Promise<void>;
}

/**
 * Where "reply as the customer" delivers: our own SMTP listener. A listener on every address
 * (0.0.0.0, ::) is reached over loopback.
 */
function smtpTarget(address: string | null): ReplyDelivery | null {
  if (!address) return null;
  const m = /^(?:smtp:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m) return null;
  const host = m[1] === '0.0.0.0' || m[1] === '' ? '127.0.0.1' : m[1] === '::' ? '::1' : m[1]!;
  return loopbackSmtp(host, Number(m[2]));
}

export async function startServer(
  opts: { env?: Record<string, string | undefined>; config?: Config; clock?: Clock; transport?: MailTransport; ingestDeps?: Partial<IngestDeps>; roles?: ReadonlySet<ServeRole> } = {},
): Promise<Server> {
  const roles = opts.roles ?? ALL_ROLES;
  const base = await createRuntime({ env: opts.env, config: opts.config, clock: opts.clock, createSecret: true, migrate: true });
  const { installation, ctx } = installationSettingsFor(base, opts.ingestDeps?.policy);
  await installation.refresh();
  const runtime: Runtime = { ...base, ctx };
  const { config, log } = runtime;
  const metricsSource = createMetricsSource(runtime.db.db);
  const metrics: Metrics | null = config.metricsToken || config.metricsListen ? createMetrics(metricsSource) : null;
  if (config.publicUrl.startsWith('https:') && config.trustProxy.length === 0) {
    log.warn({ setting: 'SUPPORTAL_TRUST_PROXY' }, 'the public URL is https but SUPPORTAL_TRUST_PROXY is empty: behind a proxy every client has the proxy\'s IP address (logs, login throttling); set it to the proxy\'s address');
  }
  for (const w of privateFileWarnings(config)) log.warn({ alert: 'file_permissions' }, w);
  const nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`;
  const signals = openClusterSignals(runtime.db, nodeId, log.child({ component: 'cluster' }));
  const idleMs = (ms: number) => (signals.live ? POLL_WITH_NOTIFY_MS : ms);
  const workers = config.workers && roles.has('worker');
  const loops: WorkerLoop[] = [];
  const mailboxes = mailboxContextFor(runtime);
  await syncConfigMailboxes(mailboxes, config.mailboxes);
  const transport = opts.transport ?? (config.relayUrl && workers ? createSmtpTransport(config.relayUrl, { tokens: await relayTokens(config.relayUrl) }) : null);
  /** `?oauth=<mailbox key>` on the relay URL: XOAUTH2 with that mailbox's OAuth2 credentials. */
  async function relayTokens(relayUrl: string) {
    const key = new URL(relayUrl).searchParams.get('oauth');
    if (!key) return undefined;
    const m = await mailboxes.mailboxes.get(key);
    if (!m || m.definition.auth !== 'oauth2') throw new Error(`SUPPORTAL_RELAY_URL names the mailbox "${key}" for OAuth2, but there is no OAuth2 mailbox with that key`);
    return tokenSourceFor(mailboxes, m, log);
  }
  const relayStates = createRelayStateStore(runtime.db);
  let outboxLoop: WorkerLoop | null = null;
  if (workers && transport) {
    // Sent marks share durable commits (runOutboxOnce); a tick waits for its own, so none is pending after it.
    const outboxCommits = createGroupCommit(ctx.store, { maxBatch: 50 });
    // The relay's state on the admin page (red when it refuses the login), shared by every sending node.
    const relayState = createRelayStateTracker({ states: relayStates, clock: ctx.clock, ...relayTargetOf(config.relayUrl), loginFailedPrefix: RELAY_LOGIN_FAILED });
    const relayStateFailed = (err: unknown) => log.warn({ err }, 'recording the relay state failed');
    await relayState.start().catch(relayStateFailed);
    outboxLoop = startWorkerLoop(
      'outbox',
      async () => {
        const r = await runOutboxOnce(ctx, transport, { commits: outboxCommits });
        if (metrics && r.sent > 0) {
          const sent = r.items.filter((i) => i.outcome === 'sent').map((i) => i.id);
          await metricsSource.answerLatencies(sent).then(metrics.answersSent, (err: unknown) => log.warn({ err }, 'reading receipt times for the metrics failed'));
        }
        for (const i of r.items) {
          // A mail given up on (5xx, or 4 days of retries) is an alert for the operator (promise 5);
          // a retry is routine.
          if (i.outcome === 'failed') log.error({ outbound: i.id, error: i.error, alert: 'outbound_failed' }, 'outbound mail failed for good');
          else if (i.outcome === 'retrying' && i.error?.startsWith(RELAY_LOGIN_FAILED)) log.error({ outbound: i.id, error: i.error, alert: 'relay_login' }, 'the relay refused the login; mails wait in the outbox');
          else if (i.outcome === 'retrying') log.warn({ outbound: i.id, error: i.error }, 'outbound mail will be retried');
        }
        await relayState.observe(r.items).catch(relayStateFailed);
        return r.items.length;
      },
      { idleMs: idleMs(1000), log },
    );
    loops.push(outboxLoop);
  }
  const web = createWebStore(runtime.db);
  const events = createPortalEventBus();
  const inbound = await startInbound(runtime, {
    onMailQueued: () => outboxLoop?.wake(),
    deps: { ...opts.ingestDeps, settings: opts.ingestDeps?.settings ?? installation, agentNotifications: web.settings },
    mailboxes,
    listeners: {
      onOutcome: (mailId, caseId) => {
        const happened: PortalEvent[] = caseId ? [{ kind: 'mail', mailId }, { kind: 'case', caseId }] : [{ kind: 'mail', mailId }];
        for (const e of happened) events.publish(e);
        // The pages open on the other nodes hear of it too.
        signals.publish(happened);
      },
      onProcessed: metrics ? (o) => metrics.mailProcessed(o) : undefined,
      onSmtpSession: metrics ? (l, e) => metrics.smtpSession(l, e) : undefined,
    },
    roles,
    nodeId,
    workerIdleMs: idleMs(2000),
  });
  await signals
    .listen({
      onWork: (kind) => {
        log.debug({ work: kind }, 'work queued by a node (notification)');
        if (kind === 'outbox') outboxLoop?.wake();
        else inbound.wakeWorker();
      },
      onPortalEvents: (es) => {
        log.debug({ events: es.length }, 'live events from another node');
        for (const e of es) events.publish(e);
      },
    })
    .catch((err: unknown) => log.warn({ err }, 'cannot LISTEN for the other nodes yet; retrying, and polling meanwhile'));
  const privacy = privacyContextFor(runtime);
  // One node at a time sweeps (a lease like the mailbox's): two would pick the same mails.
  const retention = workers
    ? runWhileLeased({ name: 'retention-sweep', holder: nodeId, leases: createLeaseStore(runtime.db), clock: ctx.clock, log, start: () => startRetentionSweep(privacy, log.child({ component: 'retention' })) })
    : null;
  const http = !roles.has('web') ? null : await buildApp({
    ctx, log, web, uploads: inbound.deps, events, installation, privacy, mailReader: mailReaderFrom(inbound.deps),
    mailboxes: { ...mailboxes, changed: (key: string) => inbound.mailboxes?.changed(key) },
    relayStates,
    trustProxy: config.trustProxy, accessLog: config.accessLog,
    metrics: metrics && config.metricsToken ? { token: config.metricsToken, render: () => metrics.render() } : null,
    outbox: outboxToolsFor(smtpTarget(inbound.smtpAddress)),
  });
  // Fastify's own "Server listening at …" line repeats "supportal is up" below: muted for the listen call only.
  let httpUrl: string | null = null;
  if (http) {
    const httpLevel = http.log.level;
    http.log.level = 'warn';
    try {
      httpUrl = await http.listen({ host: config.httpHost, port: config.httpPort });
    } finally {
      http.log.level = httpLevel;
    }
  }
  const metricsListener = metrics && config.metricsListen ? await startMetricsListener(metrics, config.metricsListen, (err) => log.warn({ err }, 'metrics scrape failed')) : null;
  log.info({ http: httpUrl, metrics: metricsListener?.address, smtp: inbound.smtpAddress, lmtp: inbound.lmtpAddress, database: runtime.db.dialect.name, relay: Boolean(config.relayUrl), roles: [...roles], node: nodeId }, 'supportal is up');

  let stopping: Promise<void> | null = null;
  return {
    runtime,
    http,
    httpUrl,
    nodeId,
    metricsUrl: metricsListener ? `${metricsListener.address}/metrics` : null,
    inbound,
    wakeOutbox: () => outboxLoop?.wake(),
    stop() {
      stopping ??= (async () => {
        // Workers stop claiming at once and get LIMITS.shutdownGraceMs, in parallel with the
        // listeners' grace: the whole stop takes at most that plus 5 s for sockets to close.
        const workersStopped = Promise.all([inbound.drain(), ...[...loops, ...(retention ? [retention] : [])].map((l) => stopWithin(l, LIMITS.shutdownGraceMs))]);
        await inbound.stopAccepting();
        await http?.close();
        await metricsListener?.close();
        await workersStopped;
        transport?.close();
        await signals.close();
        await runtime.close();
        log.info('supportal stopped');
      })();
      return stopping;
    },
  };
}

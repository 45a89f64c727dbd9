import type { FastifyInstance } from 'fastify';
import { createRuntime, installationSettingsFor, type Runtime } from './composition.js';
import { buildApp } from './http/app.js';
import { createWebStore } from './db/stores/web.js';
import { createPortalEventBus } from './app/live/event-bus.js';
import { startWorkerLoop, type WorkerLoop } from './workers/worker-loop.js';
import { runOutboxOnce } from './app/outbound/outbox-relay.js';
import { createSmtpTransport } from './outbound/smtp-transport.js';
import type { MailTransport } from './app/outbound/mail-transport.js';
import type { Config } from './config/config.js';
import type { Clock } from './app/ports.js';
import { startInbound, type InboundRuntime } from './start-inbound.js';
import type { IngestDeps } from './app/ingest/ports.js';
import { privacyContextFor } from './composition.js';
import { startRetentionSweep } from './workers/retention-sweep.js';

/**
 * `supportal serve`: HTTP, the SMTP/LMTP listeners and the background workers in one process.
 * On SIGTERM it stops accepting, lets in-flight work finish and exits 0.
 */
export interface Server {
  runtime: Runtime;
  http: FastifyInstance;
  httpUrl: string;
  inbound: InboundRuntime;
  wakeOutbox(): void;
  stop(): Promise<void>;
}

export async function startServer(opts: { env?: Record<string, string | undefined>; config?: Config; clock?: Clock; transport?: MailTransport; ingestDeps?: Partial<IngestDeps> } = {}): Promise<Server> {
  const base = await createRuntime({ env: opts.env, config: opts.config, clock: opts.clock, createSecret: true, migrate: true });
  const { installation, ctx } = installationSettingsFor(base, opts.ingestDeps?.policy);
  await installation.refresh();
  const runtime: Runtime = { ...base, ctx };
  const { config, log } = runtime;
  const loops: WorkerLoop[] = [];
  const transport = opts.transport ?? (config.relayUrl ? createSmtpTransport(config.relayUrl) : null);
  let outboxLoop: WorkerLoop | null = null;
  if (config.workers && transport) {
    outboxLoop = startWorkerLoop(
      'outbox',
      async () => {
        const r = await runOutboxOnce(ctx, transport);
        for (const i of r.items) {
          // A mail given up on (5xx, or 4 days of retries) is an alert for the operator (promise 5);
          // a retry is routine.
          if (i.outcome === 'failed') log.error({ outbound: i.id, error: i.error, alert: 'outbound_failed' }, 'outbound mail failed for good');
          else if (i.outcome === 'retrying') log.warn({ outbound: i.id, error: i.error }, 'outbound mail will be retried');
        }
        return r.items.length;
      },
      { idleMs: 1000, log },
    );
    loops.push(outboxLoop);
  }
  const web = createWebStore(runtime.db);
  const events = createPortalEventBus();
  const inbound = await startInbound(runtime, {
    onMailQueued: () => outboxLoop?.wake(),
    deps: { ...opts.ingestDeps, settings: opts.ingestDeps?.settings ?? installation, agentNotifications: web.settings },
    listeners: {
      onOutcome: (mailId, caseId) => {
        events.publish({ kind: 'mail', mailId });
        if (caseId) events.publish({ kind: 'case', caseId });
      },
    },
  });
  const privacy = privacyContextFor(runtime);
  if (config.workers) loops.push(startRetentionSweep(privacy, log.child({ component: 'retention' })));
  const http = await buildApp({ ctx, log, web, uploads: inbound.deps, events, installation, privacy });
  const httpUrl = await http.listen({ host: config.httpHost, port: config.httpPort });
  log.info({ http: httpUrl, smtp: inbound.smtpAddress, lmtp: inbound.lmtpAddress, database: runtime.db.dialect.name, relay: Boolean(config.relayUrl) }, 'supportal is up');

  let stopping: Promise<void> | null = null;
  return {
    runtime,
    http,
    httpUrl,
    inbound,
    wakeOutbox: () => outboxLoop?.wake(),
    stop() {
      stopping ??= (async () => {
        await inbound.stopAccepting();
        await http.close();
        await inbound.drain();
        await Promise.all(loops.map((l) => l.stop()));
        transport?.close();
        await runtime.close();
        log.info('supportal stopped');
      })();
      return stopping;
    },
  };
}

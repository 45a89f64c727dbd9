import { randomUUID } from 'node:crypto';
import type { Runtime } from './composition.js';
import type { IngestDeps } from './app/ingest/ports.js';
import { openRawSpool, type ReceivedEnvelope } from './app/ingest/receive-mail.js';
import { createGroupCommit } from './app/group-commit.js';
import { runInboundJobsOnce } from './app/ingest/inbound-jobs.js';
import type { PipelineOutcome } from './app/ingest/run-pipeline.js';
import { startWorkerLoop, type WorkerLoop } from './workers/worker-loop.js';
import { startSmtpListener, type SmtpListener } from './inbound/sources/smtp-listener.js';
import { createIngestDeps } from './ingest-deps.js';
import { verifyPlusAddress } from './domain/thread-tokens.js';
import { closeParseWorkers } from './inbound/parse/parse-worker-pool.js';
import { startImapSource } from './inbound/sources/imap-source.js';
import { LIMITS } from './config/limits.js';
import { ingestSocketPath } from './config/ingest-handoff.js';
import { ALL_ROLES, type ServeRole } from './config/roles.js';
import { parseImapUrl } from './inbound/sources/imap-endpoint.js';
import { createLeaseStore } from './db/stores/leases.js';
import { mailboxLeaseName, runWhileLeased } from './workers/leased-task.js';
import type { MailboxContext } from './app/mailboxes/mailboxes.js';
import { startMailboxes, type MailboxRunner } from './start-mailboxes.js';

/** The inbound side of `serve`: listeners and the processing worker. */
export interface InboundRuntime {
  smtpAddress: string | null;
  lmtpAddress: string | null;
  /** The MTA pipe's handoff socket (`supportal ingest` hands its mail over), or null. */
  ingestSocket: string | null;
  deps: IngestDeps;
  /** Wakes this process's inbound worker (work was queued by another process). */
  wakeWorker(): void;
  /** The admin's and the configuration's mailboxes, each fetched with its own credentials (null without workers). */
  mailboxes: MailboxRunner | null;
  /** Graceful stop of the listeners (see SmtpListener.stopAccepting) and the mailbox source. */
  stopAccepting(): Promise<void>;
  /**
   * Stops claiming jobs at once, lets the running ones finish within LIMITS.shutdownGraceMs,
   * flushes the group commits and gives back every job this process claimed and did not finish
   * (RELIABILITY C7), so that a restart or another process takes them now, not after the lease.
   */
  drain(): Promise<void>;
}

const ORPHAN_CHUNK_AGE_MS = 24 * 60 * 60 * 1000;

/** Recipients we take at RCPT; anything else is refused there, never bounced later (T7). */
export function recipientFilter(rt: Runtime): (address: string) => boolean {
  const s = rt.ctx.mail;
  const local = (a: string) => a.slice(0, a.lastIndexOf('@'));
  const domain = (a: string) => a.slice(a.lastIndexOf('@'));
  return (address) => {
    if (address === s.supportAddress || address === s.noreplyAddress || address === s.bounceAddress) return true;
    if (verifyPlusAddress(s.secret, s.supportAddress, address) !== null) return true;
    // Sub-addresses of the support and bounce addresses: unverified tokens are still ours to judge (and reject with a reason).
    for (const base of [s.supportAddress, s.bounceAddress]) {
      if (address.startsWith(`${local(base)}+`) && address.endsWith(domain(base))) return true;
    }
    return false;
  };
}

/** What happens after a mail got its outcome: live updates for open pages. */
export interface InboundListeners {
  /** A mail got its outcome (the portal's live updates). */
  onOutcome?(mailId: string, caseId: string | null): void;
  /** Every outcome with the pipeline's time (metrics). */
  onProcessed?(outcome: PipelineOutcome): void;
  /** SMTP/LMTP sessions opening and closing (metrics). */
  onSmtpSession?(listener: 'smtp' | 'lmtp', event: 'opened' | 'closed'): void;
}

/** The name of the mailbox of an IMAP URL for its lease: its address without the password. */
export function imapMailboxName(imapUrl: string): string {
  const e = parseImapUrl(imapUrl);
  return `${e.user}@${e.host}:${e.port}/${e.mailbox}`;
}

export async function startInbound(
  rt: Runtime,
  opts: { onMailQueued: () => void; deps?: Partial<IngestDeps>; listeners?: InboundListeners; roles?: ReadonlySet<ServeRole>; nodeId?: string; workerIdleMs?: number; mailboxes?: MailboxContext },
): Promise<InboundRuntime> {
  const { config, ctx, log } = rt;
  const roles = opts.roles ?? ALL_ROLES;
  const deps = createIngestDeps(config, opts.deps);
  const workerId = `worker-${randomUUID().slice(0, 8)}`;
  // Group commits: up to 200 received mails or 16 outcomes (small, so that storing new mail is never held up for long) share one durable commit.
  const receiveCommits = createGroupCommit(ctx.store, { maxBatch: 200 });
  const processCommits = createGroupCommit(ctx.store, { maxBatch: 16 });
  let inboundLoop: WorkerLoop | null = null;
  if (config.workers && roles.has('worker')) {
    inboundLoop = startWorkerLoop(
      'inbound',
      async () => {
        const r = await runInboundJobsOnce(ctx, deps, { workerId, limit: 16, commits: processCommits });
        for (const o of r.processed) {
          log.info({ mail: o.mailId, status: o.status, reason: o.reason, case: o.caseNumber, reply: o.replyQueued }, 'inbound mail processed');
          // An accepted reply may have queued agent notices (in the outcome's transaction) even without a receipt.
          if (o.replyQueued || o.accepted) opts.onMailQueued();
          opts.listeners?.onOutcome?.(o.mailId, o.accepted?.caseId ?? null);
          opts.listeners?.onProcessed?.(o);
        }
        for (const d of r.deferred) log.warn({ mail: d.mailId, error: d.error, dead: d.dead }, 'inbound mail deferred');
        return r.processed.length + r.deferred.length;
      },
      { idleMs: opts.workerIdleMs ?? 2000, log },
    );
  }
  // Chunks of a big mail whose receipt was cut off by a crash belong to no mail: swept a day
  // later (an SMTP DATA phase never lasts that long, so no mail still arriving is touched).
  const sweep = (): void => {
    const before = new Date(ctx.clock.now().getTime() - ORPHAN_CHUNK_AGE_MS).toISOString();
    ctx.store.inbound.sweepOrphanChunks(before).then(
      (n) => n > 0 && log.info({ chunks: n }, 'removed chunks of mails whose receipt never finished'),
      (err: unknown) => log.warn({ err }, 'sweeping orphan mail chunks failed'),
    );
  };
  sweep();
  const sweeper = setInterval(sweep, 60 * 60 * 1000).unref();
  const listeners: SmtpListener[] = [];
  const common = {
    host: config.smtpHost,
    maxMessageBytes: config.maxMessageBytes,
    acceptsRecipient: recipientFilter(rt),
    openSpool: (envelope: ReceivedEnvelope) => openRawSpool(ctx, envelope, receiveCommits),
    onStored: () => inboundLoop?.wake(),
    tls: config.tlsKeyFile ? { keyFile: config.tlsKeyFile, certFile: config.tlsCertFile } : null,
    log: log.child({ component: 'smtp' }),
  };
  const sessions = (name: 'smtp' | 'lmtp') => {
    const on = opts.listeners?.onSmtpSession;
    return on ? { opened: () => on(name, 'opened'), closed: () => on(name, 'closed') } : undefined;
  };
  const smtp = config.smtpPort !== null && roles.has('smtp') ? await startSmtpListener({ ...common, port: config.smtpPort, lmtp: false, sessions: sessions('smtp') }) : null;
  if (smtp) listeners.push(smtp);
  // LMTP binds its own address (loopback by default), never the SMTP listener's (RELIABILITY E8).
  const lmtp = (config.lmtpPort !== null || config.lmtpSocket !== null) && roles.has('lmtp')
    ? await startSmtpListener({ ...common, host: config.lmtpHost, port: config.lmtpPort ?? 0, path: config.lmtpSocket, lmtp: true, sessions: sessions('lmtp') })
    : null;
  if (lmtp) listeners.push(lmtp);
  // The MTA pipe's handoff is mail intake: a node that takes SMTP or LMTP takes it too.
  const handoff = roles.has('smtp') || roles.has('lmtp') ? await startIngestHandoff(rt, common) : null;
  if (handoff) listeners.push(handoff);
  // One node at a time polls the mailbox: two would fetch each message twice (de-duplicated, but
  // wasted), and moving it away under another node's fetch fails that node's pass.
  const leases = createLeaseStore(rt.db);
  const imapUrl = config.imapUrl;
  const imap =
    imapUrl && roles.has('imap')
      ? runWhileLeased({
          name: mailboxLeaseName(imapMailboxName(imapUrl)),
          holder: opts.nodeId ?? workerId,
          leases,
          clock: ctx.clock,
          log: log.child({ component: 'imap' }),
          start: () => startImapSource({ url: imapUrl, ctx, log: log.child({ component: 'imap' }), onStored: () => inboundLoop?.wake() }),
        })
      : null;
  // The admin's and the configuration's mailboxes: each under its own lease `mailbox:<key>`.
  const mailboxes =
    opts.mailboxes && config.workers && roles.has('imap')
      ? startMailboxes(rt, opts.mailboxes, {
          onStored: () => inboundLoop?.wake(),
          underLease: (key, start) =>
            runWhileLeased({ name: mailboxLeaseName(key), holder: opts.nodeId ?? workerId, leases, clock: ctx.clock, log: log.child({ component: 'mailboxes', mailboxKey: key }), start }),
        })
      : null;
  return {
    smtpAddress: smtp?.address ?? null,
    lmtpAddress: lmtp?.address ?? null,
    ingestSocket: handoff?.address ?? null,
    deps,
    wakeWorker: () => inboundLoop?.wake(),
    mailboxes,
    stopAccepting: async () => {
      await Promise.all([...listeners.map((l) => l.stopAccepting()), imap?.stop(), mailboxes?.stop()]);
    },
    drain: async () => {
      clearInterval(sweeper);
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        (inboundLoop?.stop() ?? Promise.resolve()).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), LIMITS.shutdownGraceMs))),
      ]);
      clearTimeout(timer);
      await Promise.all([receiveCommits.idle(), processCommits.idle()]);
      const released = await ctx.store.jobs.release(workerId, ctx.clock.now().toISOString());
      if (released > 0) log.warn({ jobs: released, graceMs: LIMITS.shutdownGraceMs }, 'released claimed jobs that did not finish in time; they are processed at the next start');
      // Parse workers still busy with a released job are left alone: terminating them would make
      // that job fail (and count an attempt) after its release; the process exits anyway.
      if (finished) await closeParseWorkers();
    },
  };
}

/**
 * The MTA pipe's handoff: `supportal ingest` passes its mail over `<data dir>/ingest.sock`
 * instead of loading the database itself (9.5 × `node -e 0` per mail before, docs/benchmarks.md
 * section 2). Up to the size ceiling: the pipeline's size step refuses a too big piped mail
 * with a notice, as when ingest processes it itself. When another serve on the same data
 * directory holds the socket, that one takes the handoffs.
 */
async function startIngestHandoff(rt: Runtime, common: Omit<Parameters<typeof startSmtpListener>[0], 'port' | 'lmtp'>): Promise<SmtpListener | null> {
  const socketPath = ingestSocketPath(rt.config.dataDir);
  try {
    return await startSmtpListener({
      ...common,
      port: 0,
      lmtp: true,
      maxMessageBytes: Math.max(common.maxMessageBytes, LIMITS.maxMessageBytesCeiling),
      tls: null,
      handoff: { socketPath, supportAddress: rt.ctx.mail.supportAddress },
    });
  } catch (err) {
    rt.log.warn({ err, socket: socketPath }, 'the ingest handoff socket is not available (another serve may hold it); supportal ingest processes mail itself then');
    return null;
  }
}

import type { AppContext } from '../context.js';
import type { IngestDeps } from './ports.js';
import { PROCESS_INBOUND_JOB } from './receive-mail.js';
import type { GroupCommit } from '../group-commit.js';
import { processInboundMail, type PipelineOutcome } from './run-pipeline.js';
import { LIMITS } from '../../config/limits.js';
import { keepLeases } from '../lease-renewal.js';
import { nextRetryDelayMs } from '../../domain/retry.js';

export interface InboundTickResult {
  processed: PipelineOutcome[];
  deferred: Array<{ mailId: string; error: string; dead: boolean }>;
}

/**
 * One pass of the inbound worker: lease due jobs, run each mail through the pipeline. A job that
 * fails is retried with back-off (1 min doubling to 1 h); after 5 attempts it is dead — visible to
 * admins (`jobs list --status dead`, `mail log`) and replayable — and never blocks the mails
 * behind it (promise 3, C2).
 */
export async function runInboundJobsOnce(ctx: AppContext, deps: IngestDeps, opts: { workerId: string; limit?: number; commits?: GroupCommit }): Promise<InboundTickResult> {
  const now = ctx.clock.now();
  const jobs = await ctx.store.transaction((tx) =>
    tx.jobs.claim([PROCESS_INBOUND_JOB], now.toISOString(), new Date(now.getTime() + LIMITS.leaseMs).toISOString(), opts.workerId, opts.limit ?? 8),
  );
  const result: InboundTickResult = { processed: [], deferred: [] };
  const held = keepLeases(jobs.map((j) => j.id), (ids, until) => ctx.store.jobs.renew(ids, opts.workerId, until), ctx.clock);
  await Promise.all(
    jobs.map(async (job) => {
      const mailId = String(job.payload.mailId);
      try {
        const acceptedBy = typeof job.payload.acceptedBy === 'string' ? job.payload.acceptedBy : null;
        const agentAccept = acceptedBy ? { acceptedBy, dropRefusedAttachments: job.payload.dropRefusedAttachments === true } : null;
        result.processed.push(await processInboundMail(ctx, deps, mailId, job.id, opts.commits, job.attempts, { released: job.payload.released === true, agentAccept }));
      } catch (e) {
        const error = (e as Error).message ?? String(e);
        const dead = job.attempts >= LIMITS.jobMaxAttempts;
        const at = ctx.clock.now();
        const next = dead ? null : new Date(at.getTime() + nextRetryDelayMs(job.attempts)).toISOString();
        await ctx.store.jobs.fail(job.id, error, next, at.toISOString()).catch(() => undefined);
        result.deferred.push({ mailId, error, dead });
      } finally {
        held.done(job.id);
      }
    }),
  ).finally(() => held.stop());
  return result;
}

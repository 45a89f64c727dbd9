import type { AppContext } from '../context.js';
import type { Store } from '../ports.js';
import type { IngestDeps } from './ports.js';
import { DeferError } from './ports.js';
import type { AgentAcceptOptions, PipelineContext, Verdict } from './pipeline-context.js';
import { PIPELINE_STEPS } from './steps/index.js';
import { acceptReply } from './accept-reply.js';
import { queueAutomaticReply } from './automatic-replies.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import { AppError } from '../errors.js';
import type { GroupCommit } from '../group-commit.js';
import type { RawMail } from '../../domain/raw-mail.js';

export interface PipelineOutcome {
  mailId: string;
  status: InboundStatus;
  reason: ReasonCode | null;
  detail: string | null;
  caseNumber: number | null;
  /** The receipt or notice queued, if any. */
  replyQueued: 'receipt' | 'notice' | null;
  /** For an accepted mail: the case and the message it became (its agent notices are already queued in the same transaction). */
  accepted?: { caseId: string; messageId: string };
  /** How long the steps and the commit took, as stored with the outcome; absent when nothing ran. */
  processingMs?: number;
}

const FINAL: ReadonlySet<InboundStatus> = new Set(['accepted', 'rejected', 'ignored', 'duplicate', 'quarantined']);

/**
 * Runs one stored mail through the steps and commits the outcome, the case message and the
 * receipt or notice in ONE transaction, together with completing its job. A crash before that
 * commit leaves nothing half-done and the job is taken again when its lease runs out; a mail that
 * already has an outcome is never processed twice (promise 4, C1).
 *
 * `commits` lets a worker share one durable commit among the mails it processes together.
 *
 * A step that throws DeferError (clamd down) or any other error defers the mail: the caller
 * retries the job later; the mail shows as `deferred` meanwhile.
 */
export async function processInboundMail(
  app: AppContext,
  deps: IngestDeps,
  mailId: string,
  jobId: string | null,
  commits?: GroupCommit,
  attempt = 1,
  decided: { released?: boolean; agentAccept?: AgentAcceptOptions | null } = {},
): Promise<PipelineOutcome> {
  const released = decided.released === true;
  const agentAccept = decided.agentAccept ?? null;
  const started = process.hrtime.bigint();
  const mail = await app.store.inbound.findById(mailId);
  if (!mail) throw new AppError('mail_not_found', { de: `es gibt keine eingegangene E-Mail ${mailId}`, en: `there is no inbound mail ${mailId}` });
  if (FINAL.has(mail.status)) {
    if (jobId) await app.store.jobs.complete(jobId, app.clock.now().toISOString());
    return { mailId, status: mail.status, reason: mail.reason, detail: mail.detail, caseNumber: mail.caseNumber, replyQueued: null };
  }
  const raw = await app.store.inbound.rawMail(mailId);
  if (!raw) throw new Error(`raw bytes of inbound mail ${mailId} are missing`);
  const head = await firstChunk(raw);
  const p: PipelineContext = {
    app, deps, mail, raw, head, parsed: null, sender: null, senderUser: null, auth: null, matched: null, files: [], scan: null, offendingFiles: [], decisions: [], notes: agentAccept ? [`let in by an agent (user ${agentAccept.acceptedBy})`] : [], attempt, released, agentAccept,
  };
  let verdict: Verdict = { kind: 'accept' };
  for (const step of PIPELINE_STEPS) {
    let v: Verdict;
    try {
      v = await step.run(p);
    } catch (e) {
      const reason = e instanceof DeferError ? e.reason : 'processing_failed';
      p.decisions.push({ step: step.name, verdict: 'defer', reason, note: (e as Error).message.slice(0, 500) });
      await app.store.inbound.setOutcome(mailId, outcomeRow(p, 'deferred', reason, (e as Error).message.slice(0, 1000), started));
      throw e;
    }
    if (v.kind === 'terminal') {
      p.decisions.push({ step: step.name, verdict: v.status, reason: v.reason, ...(p.offendingFiles.length > 0 ? { files: [...p.offendingFiles] } : {}) });
      verdict = v;
      break;
    }
    p.decisions.push({ step: step.name, verdict: 'continue' });
  }
  // With a group commit, the outcomes of the mails processed together share one durable commit.
  const commit = commits ? <T>(w: (tx: Store) => Promise<T>) => commits.run(w) : <T>(w: (tx: Store) => Promise<T>) => app.store.transaction(w);
  return commit(async (tx) => {
    // Another worker may have finished this mail meanwhile (lease expiry race): check under the transaction.
    const current = await tx.inbound.findById(mailId);
    if (current && FINAL.has(current.status)) {
      return { mailId, status: current.status, reason: current.reason, detail: current.detail, caseNumber: current.caseNumber, replyQueued: null };
    }
    let replyQueued: PipelineOutcome['replyQueued'] = null;
    let accepted: PipelineOutcome['accepted'];
    let status: InboundStatus;
    let reason: ReasonCode | null = null;
    let detail: string | null = null;
    if (verdict.kind === 'terminal') {
      status = verdict.status;
      reason = verdict.reason;
      detail = verdict.detail;
      if (verdict.notice) replyQueued = await noticeOrNull(p, tx, reason);
    } else {
      status = 'accepted';
      accepted = { caseId: p.matched!.case.id, ...(await acceptReply(p, tx)) };
      p.decisions.push({ step: '110-accept', verdict: 'accepted' });
      replyQueued = (await queueAutomaticReply(p, tx, { kind: 'receipt' })) ? 'receipt' : null;
    }
    const row = outcomeRow(p, status, reason, detail, started);
    await tx.inbound.setOutcome(mailId, row);
    if (jobId) await tx.jobs.complete(jobId, app.clock.now().toISOString());
    return { mailId, status, reason, detail, caseNumber: p.matched?.case.number ?? null, replyQueued, accepted, processingMs: row.processingMs };
  });
}

async function noticeOrNull(p: PipelineContext, tx: Store, reason: ReasonCode): Promise<'notice' | null> {
  // The agent who let the mail in sees the new outcome in the desk; the sender got a notice already.
  if (p.agentAccept) {
    p.notes.push('no notice: an agent accepted the mail and sees this outcome');
    return null;
  }
  return (await queueAutomaticReply(p, tx, { kind: 'notice', reason })) ? 'notice' : null;
}

function outcomeRow(p: PipelineContext, status: InboundStatus, reason: ReasonCode | null, detail: string | null, started: bigint) {
  const m = p.parsed;
  const scan = p.scan ?? (m && m.attachments.length === 0 ? null : p.deps.scanner ? null : 'not_scanned');
  return {
    status,
    reason,
    detail: [detail, ...p.notes].filter(Boolean).join('; ').slice(0, 4000) || null,
    caseId: p.matched?.case.id ?? null,
    fromAddress: p.sender,
    subject: m?.subject.slice(0, 1000) ?? null,
    scan,
    auth: p.auth ? JSON.stringify(p.auth) : null,
    decisions: p.decisions,
    processedAt: p.app.clock.now().toISOString(),
    processingMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
  };
}

/** The first chunk of a mail: its header block, for the steps that read trace headers or a bounce. */
async function firstChunk(raw: RawMail): Promise<Buffer> {
  for await (const chunk of raw.chunks()) return chunk;
  return Buffer.alloc(0);
}

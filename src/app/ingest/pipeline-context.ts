import type { ParsedMail } from '../../domain/parsed-mail.js';
import type { RawMail } from '../../domain/raw-mail.js';
import type { Case, InboundMail, PipelineDecision, User } from '../../domain/entities.js';
import type { InspectedFile } from '../../domain/attachment-policy.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import type { AppContext, AppSlice } from '../context.js';
import type { IngestDeps, SenderAuthResult } from './ports.js';

/** What the steps know about the mail so far. Each step reads and fills its part. */
export interface PipelineContext {
  app: AppContext;
  deps: IngestDeps;
  mail: InboundMail;
  /** The bytes as stored, read chunk by chunk: a big mail is never whole in memory. */
  raw: RawMail;
  /** The first chunk of the bytes (up to 1 MiB): the header block of any readable mail. */
  head: Buffer;
  parsed: ParsedMail | null;
  /** The sender as identified by From (never Reply-To, S3), lower-cased. */
  sender: string | null;
  senderUser: User | null;
  auth: SenderAuthResult | null;
  matched: { case: Case; by: 'message_id' | 'plus_address' | 'subject_token' } | null;
  files: InspectedFile[];
  scan: 'clean' | 'not_scanned' | null;
  /** Files that the notice should name. */
  offendingFiles: string[];
  decisions: PipelineDecision[];
  notes: string[];
  /** Which run of this mail's job this is (1 for the first; a pipe ingest counts as 1). */
  attempt: number;
  /** An agent released the mail from the quarantine: a sender check does not hold it again. */
  released?: boolean;
  /** The case message is to be marked "sender not verified" (060, the installation's setting). */
  markSenderUnverified?: boolean;
  /** An agent let this rejected mail in (src/app/desk/rejected-mail.ts): what they decided. */
  agentAccept?: AgentAcceptOptions | null;
}

/**
 * Whether the From is verified: `true` for an aligned SPF or DKIM pass, `false` when the check
 * ran and found neither, `null` when no check ran (mailbox and pipe mail, or the check is off).
 */
export function senderVerified(p: Pick<PipelineContext, 'auth'>): boolean | null {
  return p.auth ? p.auth.spfAligned || p.auth.dkimAligned : null;
}

/** An agent's acceptance of a rejected mail, carried by its job. */
export interface AgentAcceptOptions {
  /** The agent's user id. */
  acceptedBy: string;
  /** 090-attachments leaves the refused files out instead of rejecting the mail. */
  dropRefusedAttachments: boolean;
}

export type Verdict =
  | { kind: 'continue' }
  | { kind: 'terminal'; status: Exclude<InboundStatus, 'received' | 'accepted' | 'deferred'>; reason: ReasonCode; detail: string; notice: boolean }
  | { kind: 'accept' };

export const CONTINUE: Verdict = { kind: 'continue' };

export function stop(status: 'rejected' | 'ignored' | 'quarantined' | 'duplicate', reason: ReasonCode, detail: string, notice = status === 'rejected'): Verdict {
  return { kind: 'terminal', status, reason, detail, notice };
}

/**
 * What a step may reach of the application: the stores it reads (the inbound mail for duplicates,
 * cases and users for matching and authorising, the transaction for a bounce hand-off), the clock
 * and the mail settings. Writing the outcome, the case message and the mails is the finalising
 * transaction's job (run-pipeline.ts), which alone sees the whole AppContext.
 */
export type StepApp = AppSlice<'inbound' | 'cases' | 'users' | 'transaction', 'clock' | 'mail'>;

/** The pipeline context as a step sees it: its narrow `app`. */
export type StepContext = Omit<PipelineContext, 'app'> & { app: StepApp };

export interface PipelineStep {
  /** `NNN-name`, numbered with gaps so that a step can be inserted. */
  name: string;
  run(p: StepContext): Promise<Verdict>;
}

import { z } from 'zod';
import { parseInput } from '../parse-input.js';
import type { PrivacyContext, RetentionDays } from './ports.js';

/**
 * Retention (GDPR Art. 5(1)(e), storage limitation): the raw source of a processed mail is
 * deleted N days after it arrived (the case message and the mail-log row stay), a rejected or
 * quarantined mail M days after it arrived (row and all). Both are off by default: deleting is
 * irreversible, and how long a vendor must keep support correspondence is their decision (German
 * commercial law keeps business letters 6 years, §257 HGB), not a product default.
 */

export interface EffectiveRetention extends RetentionDays {
  /** Where the values come from: the admin page, or the configuration. */
  source: 'admin' | 'config';
  updatedAt: string | null;
  updatedBy: string | null;
  config: RetentionDays;
}

const days = z.number().int().min(1).max(36500).nullable();
const retentionSchema = z.object({ rawMailDays: days, rejectedMailDays: days }).strict();

export async function effectiveRetention(p: PrivacyContext): Promise<EffectiveRetention> {
  const saved = await p.privacy.retention.loadRetention();
  const parsed = saved ? retentionSchema.safeParse(saved.value) : null;
  // A stored value that no longer validates (edited by hand) counts as not set.
  if (saved && parsed?.success) return { ...parsed.data, source: 'admin', updatedAt: saved.updatedAt, updatedBy: saved.updatedBy, config: p.retentionDefaults };
  return { ...p.retentionDefaults, source: 'config', updatedAt: null, updatedBy: null, config: p.retentionDefaults };
}

/** Saves the admin's choice; null goes back to the configuration. Audited. */
export async function saveRetention(p: PrivacyContext, actor: string, input: unknown): Promise<EffectiveRetention> {
  const value = input === null ? null : parseInput(retentionSchema, input);
  const at = p.clock.now().toISOString();
  await p.privacy.retention.saveRetention(value, at, actor);
  await p.privacy.audit.recordAudit({ at, actor, action: 'privacy.retention', target: null, detail: { value } });
  return effectiveRetention(p);
}

export interface RetentionItem {
  mailId: string;
  action: 'raw_deleted' | 'mail_deleted';
  /** `skipped`: the mail no longer qualified when its turn came (reprocessed meanwhile). */
  outcome: 'done' | 'skipped' | 'failed';
  chunks: number;
  error?: string;
}

export interface RetentionSweepResult {
  rawMailDays: number | null;
  rejectedMailDays: number | null;
  items: RetentionItem[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One pass of the sweep: up to `batch` mails of each kind, each in its own transaction, so that
 * one bad row is reported and the rest go on. The caller runs it again while it finds work.
 */
export async function runRetentionSweep(p: PrivacyContext, opts: { batch?: number } = {}): Promise<RetentionSweepResult> {
  const batch = opts.batch ?? 100;
  const r = await effectiveRetention(p);
  const now = p.clock.now();
  const at = now.toISOString();
  const items: RetentionItem[] = [];
  const each = async (mailId: string, action: RetentionItem['action'], run: () => Promise<{ done: boolean; chunks: number }>) => {
    try {
      const x = await run();
      items.push({ mailId, action, outcome: x.done ? 'done' : 'skipped', chunks: x.chunks });
    } catch (err) {
      items.push({ mailId, action, outcome: 'failed', chunks: 0, error: (err as Error)?.message ?? String(err) });
    }
  };
  if (r.rejectedMailDays !== null) {
    const before = new Date(now.getTime() - r.rejectedMailDays * DAY_MS).toISOString();
    for (const m of await p.privacy.retention.rejectedRetentionCandidates(before, batch)) {
      await each(m.id, 'mail_deleted', async () => {
        const x = await p.privacy.retention.deleteRejectedMail(m.id, before);
        return { done: x.deleted, chunks: x.chunks };
      });
    }
  }
  if (r.rawMailDays !== null) {
    const days = r.rawMailDays;
    const before = new Date(now.getTime() - days * DAY_MS).toISOString();
    for (const m of await p.privacy.retention.rawRetentionCandidates(before, batch)) {
      await each(m.id, 'raw_deleted', async () => {
        const x = await p.privacy.retention.dropRawForRetention(m.id, before, at, days);
        return { done: x.dropped, chunks: x.chunks };
      });
    }
  }
  return { rawMailDays: r.rawMailDays, rejectedMailDays: r.rejectedMailDays, items };
}

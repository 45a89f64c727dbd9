import { z } from 'zod';
import type { AppSlice } from '../context.js';
import { AppError } from '../errors.js';
import type { User } from '../../domain/entities.js';

const noBreaks = (v: string) => !/[\r\n\0]/.test(v);
/** A name as admins type it: trimmed, not empty, one line (it ends up in mail headers and CSV cells). */
export const oneLine = (max: number) => z.string().trim().min(1).max(max).refine(noBreaks, 'must be one line');

export function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

/** Every admin change is written to the audit log with who did it and when. */
export async function recordAdminAction(ctx: AppSlice<'audit', 'clock'>, admin: User, action: string, target: string, detail?: Record<string, unknown>): Promise<void> {
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: admin.id, action, target, ...(detail ? { detail } : {}) });
}

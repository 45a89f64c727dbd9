import type { AppContext } from '../context.js';
import type { BounceReport } from '../../domain/bounce.js';
import { recordBounce } from '../outbound/record-bounce.js';

/** Hands a bounce to the outbound side; returns the outbound mail it concerned, if any. */
export async function recordBounceIfPossible(ctx: AppContext, report: BounceReport, inboundMailId: string): Promise<string | null> {
  const r = await recordBounce(ctx, { report, inboundMailId });
  return r.outboundId;
}

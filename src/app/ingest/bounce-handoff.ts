import type { BounceReport } from '../../domain/bounce.js';
import { recordBounce, type RecordBounceDeps } from '../outbound/record-bounce.js';

/** Hands a bounce to the outbound side; says for the mail log what it did. */
export async function recordBounceIfPossible(ctx: RecordBounceDeps, report: BounceReport, inboundMailId: string): Promise<string> {
  const r = await recordBounce(ctx, { report, inboundMailId });
  if (r.effect === 'bounced') return `outbound mail ${r.outboundId} marked bounced`;
  if (r.effect === 'noted') return `outbound mail ${r.outboundId}: ${report.action ?? 'status'} report noted, not a failure`;
  if (r.effect === 'foreign_recipient') return `refused: the report names ${report.recipient ?? '?'}, not a recipient of outbound mail ${r.outboundId} (forged bounce?)`;
  return 'no outbound mail matched';
}

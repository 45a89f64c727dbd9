import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';
import { DeferError } from '../ports.js';

/**
 * Reads the MIME structure within the limits. Unreadable or over a bound: quarantined, raw kept
 * (M1–M11). Over the time budget on the first run only: deferred and tried again later, because
 * a busy machine, not the mail, may have used the time (ParseBudgetError).
 */
export const parseStep: PipelineStep = {
  name: '020-parse',
  async run(p) {
    try {
      p.parsed = await p.deps.parser.parse(p.raw);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'loop') return stop('ignored', 'loop', `mail loop: ${(e as Error).message}`, false);
      if (code === 'malformed' && (e as { overBudget?: boolean }).overBudget && p.attempt < 2) {
        throw new DeferError('processing_failed', `${(e as Error).message}; tried again later before it counts as malformed`);
      }
      if (code === 'malformed') return stop('quarantined', 'malformed', (e as Error).message, false);
      throw e;
    }
    p.sender = p.parsed.from?.address ?? null;
    if (p.parsed.problems.length) p.notes.push(...p.parsed.problems.slice(0, 10));
    if (p.parsed.signed) p.notes.push(`signed (${p.parsed.signed})`);
    return CONTINUE;
  },
};

import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * Content we cannot read: S/MIME or PGP encryption (we hold no keys), or an Outlook Rich Text
 * (TNEF) container from which neither text nor files could be recovered.
 */
export const contentStep: PipelineStep = {
  name: '080-content',
  async run(p) {
    const m = p.parsed!;
    if (m.encrypted) return stop('rejected', 'encrypted', `${m.encrypted === 'smime' ? 'S/MIME' : 'PGP'}-encrypted mail`);
    if (m.tnefFailed) return stop('rejected', 'rich_text', 'Outlook Rich Text (winmail.dat) could not be decoded');
    if (m.tnef) p.notes.push('Outlook Rich Text decoded');
    return CONTINUE;
  },
};

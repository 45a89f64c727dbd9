import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * SMTP and LMTP refuse a mail over the configured limit with 552 before storing it; a mailbox or
 * pipe mail has no such chance, and neither has a mail under that limit but over the lower one an
 * admin set later (the listener's SIZE was announced at start). Those are kept in quarantine and
 * the sender is told to use the portal.
 */
export const sizeStep: PipelineStep = {
  name: '035-size',
  async run(p) {
    const limit = p.deps.settings ? Math.min((await p.deps.settings.current()).maxMessageBytes, p.app.mail.maxMessageBytes) : p.app.mail.maxMessageBytes;
    if (p.raw.size <= limit) return CONTINUE;
    return stop('quarantined', 'too_large', `${p.raw.size} bytes, the limit is ${limit}`, true);
  },
};

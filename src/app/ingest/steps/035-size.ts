import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * SMTP and LMTP refuse an oversized mail with 552 before storing it; a mailbox or pipe mail has
 * no such chance, so it is kept in quarantine and the sender is told to use the portal.
 */
export const sizeStep: PipelineStep = {
  name: '035-size',
  async run(p) {
    if (p.raw.length <= p.app.mail.maxMessageBytes) return CONTINUE;
    return stop('quarantined', 'too_large', `${p.raw.length} bytes, the limit is ${p.app.mail.maxMessageBytes}`, true);
  },
};

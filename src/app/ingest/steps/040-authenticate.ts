import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';
import { topReceivedClient } from '../../../domain/trace-headers.js';

/**
 * SPF, DKIM and DMARC on mail that came to us directly (SMTP/LMTP). A failing DMARC policy of the
 * From domain means the sender may be forged: quarantined, and no notice (it would go to the
 * victim of the forgery).
 */
export const authenticateStep: PipelineStep = {
  name: '040-authenticate',
  async run(p) {
    const a = p.deps.authenticator;
    if (!a || (p.mail.channel !== 'smtp' && p.mail.channel !== 'lmtp')) {
      p.notes.push('sender not authenticated (check off or not applicable to this channel)');
      return CONTINUE;
    }
    // Behind Postfix/Exim (LMTP) the connecting peer is our own MTA; SPF must judge the client
    // that MTA recorded in the topmost Received header.
    const client = p.mail.channel === 'lmtp' ? topReceivedClient(p.head) : null;
    p.auth = await a.check(p.raw, { ip: client?.ip ?? p.mail.remoteIp, helo: client?.helo ?? null, sender: p.mail.envelopeFrom });
    if (p.auth.dmarcFailed) return stop('quarantined', 'auth_failed', `DMARC ${p.auth.dmarc}, SPF ${p.auth.spf}, DKIM ${p.auth.dkim}`, false);
    return CONTINUE;
  },
};

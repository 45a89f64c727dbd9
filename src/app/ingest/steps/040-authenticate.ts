import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';
import { topReceivedClient } from '../../../domain/trace-headers.js';

/**
 * SPF, DKIM and DMARC on mail that came to us directly (SMTP/LMTP). A failing DMARC policy of the
 * From domain means the sender may be forged: quarantined, and no notice (it would go to the
 * victim of the forgery). A mail an agent released from the quarantine has been vouched for and
 * is not held again; its result is still recorded (and shown as "sender not verified").
 *
 * Whether the From is verified (an aligned SPF or DKIM pass) decides what the later steps do
 * with an unverified sender (the installation's setting, 060) and whom a receipt or notice may
 * go to (automatic-replies.ts).
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
    // that MTA recorded in the topmost Received header — but only when the peer IS one of the
    // configured MTAs: anyone else could write that header himself (RELIABILITY E8).
    const trustsPeer = p.mail.channel === 'lmtp' && (p.deps.trustsReceivedFrom?.(p.mail.remoteIp) ?? false);
    const client = trustsPeer ? topReceivedClient(p.head) : null;
    if (p.mail.channel === 'lmtp' && !trustsPeer) p.notes.push(`Received headers not trusted: LMTP peer ${p.mail.remoteIp ?? '(unknown)'} is not a configured MTA (SUPPORTAL_LMTP_TRUSTED_MTAS)`);
    p.auth = await a.check(p.raw, { ip: client?.ip ?? p.mail.remoteIp, helo: client?.helo ?? null, sender: p.mail.envelopeFrom });
    if (!p.auth.spfAligned && !p.auth.dkimAligned) p.notes.push('sender not verified: neither SPF nor DKIM passed for the From domain');
    if (p.auth.dmarcFailed) {
      const detail = `DMARC ${p.auth.dmarc}, SPF ${p.auth.spf}, DKIM ${p.auth.dkim}`;
      if (p.released) {
        p.notes.push(`${detail}; released by an agent, not held again`);
        return CONTINUE;
      }
      return stop('quarantined', 'auth_failed', detail, false);
    }
    return CONTINUE;
  },
};

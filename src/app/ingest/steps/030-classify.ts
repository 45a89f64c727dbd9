import { classifyAutomatic } from '../../../domain/auto-reply.js';
import { parseBounce } from '../../../domain/bounce.js';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';
import { recordBounceIfPossible } from '../bounce-handoff.js';

/**
 * Auto-replies, out-of-office, list traffic, mail to the no-reply address: ignored, no notice
 * (RFC 3834; L1, L2, L5). Delivery status notifications: ignored and handed to the outbound
 * bounce handling (L3).
 */
export const classifyStep: PipelineStep = {
  name: '030-classify',
  async run(p) {
    const m = p.parsed!;
    const s = p.app.mail;
    const own = [s.noreplyAddress, s.supportAddress, s.bounceAddress];
    const c = classifyAutomatic(m, { envelopeFrom: p.mail.envelopeFrom, ownAddresses: own });
    if (c.kind === 'bounce') {
      const at = s.bounceAddress.lastIndexOf('@');
      const report = parseBounce(
        { raw: p.head, headers: m.headers, text: m.text, attachments: m.attachments.map((a) => ({ contentType: a.contentType, content: a.content })), envelopeTo: p.mail.envelopeTo },
        { bounceLocalPart: s.bounceAddress.slice(0, at), mailDomain: s.bounceAddress.slice(at + 1) },
      );
      const recorded = await recordBounceIfPossible(p.app, report, p.mail.id);
      return stop('ignored', 'bounce', `${c.why}; ${recorded}`, false);
    }
    if (c.kind === 'auto_reply') return stop('ignored', 'auto_reply', c.why, false);
    const toNoreply = p.mail.envelopeTo.includes(s.noreplyAddress) || m.to.some((a) => a.address === s.noreplyAddress);
    if (toNoreply && !m.to.concat(m.cc).some((a) => a.address === s.supportAddress || a.address.startsWith(s.supportAddress.split('@')[0] + '+'))) {
      return stop('ignored', 'auto_reply', 'sent to the no-reply address', false);
    }
    return CONTINUE;
  },
};

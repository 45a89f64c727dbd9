import { CONTINUE, senderVerified, stop, type PipelineStep, type StepContext, type Verdict } from '../pipeline-context.js';
import { DEFAULT_UNVERIFIED_SENDER_POLICY } from '../ports.js';
import { canSeeCase } from '../../portal/access.js';

/**
 * Only who may see the case in the portal — its customer, or an admin of its organisation — or
 * an address an agent copied on the case may add to it by mail. A colleague who is not the
 * organisation's admin gets 404 for the case in the portal, so the mail channel may not let him
 * add to it and learn its subject from the receipt either (RELIABILITY E7). Identity comes from
 * From, never from Reply-To (S3). A stranger who guessed a case number learns nothing: the
 * notice does not name the case (S1).
 *
 * An authorised From that the sender check could not verify (no aligned SPF/DKIM pass) is then
 * treated as the installation's setting says: accepted, accepted and marked "sender not
 * verified", or held in the quarantine for an agent to release (RELIABILITY E4).
 */
export const authoriseSenderStep: PipelineStep = {
  name: '060-authorise-sender',
  async run(p) {
    const c = p.matched!.case;
    const sender = p.sender;
    if (!sender) return stop('rejected', 'unknown_sender', 'the mail has no From address');
    const user = await p.app.store.users.findByEmail(sender);
    p.senderUser = user;
    if (user && !user.disabled && user.role === 'customer' && canSeeCase(user, c)) return unverifiedSenderRule(p);
    const participants = await p.app.store.cases.participants(c.id);
    if (participants.includes(sender)) return unverifiedSenderRule(p);
    const colleague = user && !user.disabled && user.role === 'customer' && c.organisationId !== null && user.organisationId === c.organisationId;
    return stop('rejected', 'unknown_sender', colleague ? `${sender} is a colleague in the case's organisation but neither its customer nor the organisation's admin: may not write to case ${c.number}` : `${sender} may not write to case ${c.number}`);
  },
};

async function unverifiedSenderRule(p: StepContext): Promise<Verdict> {
  if (senderVerified(p) !== false) return CONTINUE;
  const policy = (p.deps.settings ? (await p.deps.settings.current()).unverifiedSender : undefined) ?? DEFAULT_UNVERIFIED_SENDER_POLICY;
  const found = `sender not verified (SPF ${p.auth!.spf}, DKIM ${p.auth!.dkim}, DMARC ${p.auth!.dmarc})`;
  if (policy === 'hold' && !p.released) return stop('quarantined', 'auth_failed', `${found}; held for review (setting: hold unverified senders)`, false);
  // A released mail stays marked: the agent vouched for letting it in, not for its sender.
  if (policy !== 'accept') p.markSenderUnverified = true;
  return CONTINUE;
}

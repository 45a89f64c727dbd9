import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * Only the case's customer, a contact of its organisation, or an address an agent copied on the
 * case may add to it. Identity comes from From, never from Reply-To (S3). A stranger who guessed a
 * case number learns nothing: the notice does not name the case (S1).
 */
export const authoriseSenderStep: PipelineStep = {
  name: '060-authorise-sender',
  async run(p) {
    const c = p.matched!.case;
    const sender = p.sender;
    if (!sender) return stop('rejected', 'unknown_sender', 'the mail has no From address');
    const user = await p.app.store.users.findByEmail(sender);
    p.senderUser = user;
    if (user && !user.disabled) {
      if (user.id === c.customerId) return CONTINUE;
      if (user.role === 'customer' && c.organisationId && user.organisationId === c.organisationId) return CONTINUE;
    }
    const participants = await p.app.store.cases.participants(c.id);
    if (participants.includes(sender)) return CONTINUE;
    return stop('rejected', 'unknown_sender', `${sender} may not write to case ${c.number}`);
  },
};

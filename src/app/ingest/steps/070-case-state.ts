import { acceptsEmailReply } from '../../../domain/case.js';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/** Only open cases take e-mail replies; a closed case is reopened in the portal. */
export const caseStateStep: PipelineStep = {
  name: '070-case-state',
  async run(p) {
    const c = p.matched!.case;
    return acceptsEmailReply(c.status) ? CONTINUE : stop('rejected', 'case_closed', `case ${c.number} is closed`);
  },
};

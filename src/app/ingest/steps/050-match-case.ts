import { findCaseToken, verifyCaseMessageId, verifyPlusAddress } from '../../../domain/thread-tokens.js';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * Finds the case, strongest signal first: a Message-ID we issued (HMAC-verified, S2), a verified
 * plus address, then the subject token. A changed subject with intact headers still matches.
 * Cases are never opened by mail: nothing found is a rejection with directions to the portal.
 */
export const matchCaseStep: PipelineStep = {
  name: '050-match-case',
  async run(p) {
    const m = p.parsed!;
    const s = p.app.mail;
    const store = p.app.store;
    const ids = [...m.inReplyTo, ...[...m.references].reverse()].slice(0, 100);
    for (const id of ids) {
      const n = verifyCaseMessageId(s.secret, id, s.mailDomain);
      const c = n ? await store.cases.findByNumber(n) : null;
      if (c) {
        p.matched = { case: c, by: 'message_id' };
        return CONTINUE;
      }
    }
    const recipients = [...p.mail.envelopeTo, ...m.to.map((a) => a.address), ...m.cc.map((a) => a.address)];
    for (const r of recipients) {
      const n = verifyPlusAddress(s.secret, s.supportAddress, r);
      const c = n ? await store.cases.findByNumber(n) : null;
      if (c) {
        p.matched = { case: c, by: 'plus_address' };
        return CONTINUE;
      }
    }
    const n = findCaseToken(s.caseTokenLabel, m.subject);
    const c = n ? await store.cases.findByNumber(n) : null;
    if (c) {
      p.matched = { case: c, by: 'subject_token' };
      return CONTINUE;
    }
    return stop('rejected', 'no_case_reference', n ? `subject names case ${n}, which does not exist` : 'no case reference in headers, recipient or subject');
  },
};

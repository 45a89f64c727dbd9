import { judgeAttachments } from '../../../domain/attachment-policy.js';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/** Judges the files by their bytes (magic numbers), never by name or declared type (A1–A7). */
export const attachmentsStep: PipelineStep = {
  name: '090-attachments',
  async run(p) {
    const m = p.parsed!;
    const policy = p.deps.settings ? (await p.deps.settings.current()).policy : p.deps.policy;
    p.files = await p.deps.inspector.inspect(m.attachments, policy);
    const j = judgeAttachments(p.files, policy);
    if (j.ok) return CONTINUE;
    p.offendingFiles = j.files;
    return stop('rejected', j.reason, j.detail);
  },
};

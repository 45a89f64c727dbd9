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
    if (p.agentAccept?.dropRefusedAttachments) {
      // An agent accepted the mail without the refused files: the rest goes on as if they were never attached.
      const refused = new Set(j.files);
      const keep = p.files.map((f) => !refused.has(f.name));
      p.parsed = { ...m, attachments: m.attachments.filter((_, i) => keep[i]) };
      p.files = p.files.filter((_, i) => keep[i]);
      p.notes.push(`left out by an agent: ${j.files.join(', ')}`.slice(0, 1000));
      return CONTINUE;
    }
    p.offendingFiles = j.files;
    return stop('rejected', j.reason, j.detail);
  },
};

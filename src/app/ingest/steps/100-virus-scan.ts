import { DeferError } from '../ports.js';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * Every attachment through clamd (ZIP entries are opened by clamd itself). A scan that does not
 * say OK — timeout, clamd down, size limits — is never "clean": the mail is deferred and retried
 * (A8, A10). Without a configured scanner the log says "not scanned".
 */
export const virusScanStep: PipelineStep = {
  name: '100-virus-scan',
  async run(p) {
    const scanner = p.deps.scanner;
    const files = p.parsed!.attachments;
    if (!scanner) {
      p.scan = 'not_scanned';
      if (files.length) p.notes.push('attachments not scanned (no scanner configured)');
      return CONTINUE;
    }
    for (const a of files) {
      const r = await scanner.scan(a.content);
      if (r.status === 'infected') {
        p.offendingFiles = [a.filename ?? 'attachment'];
        return stop('quarantined', 'virus', `${a.filename ?? 'attachment'}: ${r.signature}`, true);
      }
      if (r.status === 'error') throw new DeferError('scan_unavailable', `virus scan unavailable: ${r.detail}`);
    }
    p.scan = 'clean';
    return CONTINUE;
  },
};

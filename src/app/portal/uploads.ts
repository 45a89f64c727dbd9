import { AppError } from '../errors.js';
import { safeAttachmentName } from '../../domain/safe-name.js';
import { judgeAttachments, type AttachmentPolicy } from '../../domain/attachment-policy.js';
import type { CheckedFile, UploadGate, UploadedFile } from './ports.js';

/** What the portal tells about each refused file: its display name, the policy's reason code and the details. */
export interface RejectedFile {
  name: string;
  reason: 'attachment_type' | 'too_many_archives' | 'bad_archive' | 'virus';
  detail: string;
}

/**
 * Judges uploaded files by the same policy as e-mailed ones (magic bytes, the ZIP rules, at most
 * the configured number of archives) and scans them when a scanner is configured. Every refused
 * file is named with its reason (`attachment_rejected`, `details.files`), so that the user fixes
 * all of them at once (A7). A scanner that cannot answer refuses the upload for now: an unscanned
 * file must never be served as clean (A10).
 *
 * `policy` is the one in effect (an admin may have tightened the gate's); the gate's by default.
 *
 * The browser's file type is ignored: inspection goes by the bytes (A1, A2).
 */
export async function checkUploads(gate: UploadGate | null | undefined, files: readonly UploadedFile[], maxBytes: number, policy: AttachmentPolicy | undefined = gate?.policy): Promise<CheckedFile[]> {
  if (files.length === 0) return [];
  if (!gate) throw new AppError('unavailable', { de: 'Datei-Uploads sind auf diesem Server nicht verfügbar.', en: 'File uploads are not available on this server.' });
  const total = files.reduce((n, f) => n + f.content.length, 0);
  if (total > maxBytes) throw new AppError('too_large', { de: `Die Dateien (${total} Bytes) überschreiten die Grenze von ${maxBytes} Bytes.`, en: `The files (${total} bytes) exceed the limit of ${maxBytes} bytes.` }, { limitBytes: maxBytes });
  // A neutral declared type: inspectAttachments skips parts declared as signatures, and an upload has no such parts.
  const rules = policy ?? gate.policy;
  const inspected = await gate.inspector.inspect(files.map((f) => ({ filename: f.filename, content: f.content, contentType: 'application/octet-stream' })), rules);
  const judgement = judgeAttachments(inspected, rules);
  if (!judgement.ok) {
    const rejected: RejectedFile[] = judgement.offences.map((o) => ({ name: o.file, reason: o.reason, detail: o.detail }));
    throw new AppError('attachment_rejected', { de: `Nicht erlaubt: ${judgement.files.join(', ')}.`, en: `Not allowed: ${judgement.files.join(', ')}.` }, { files: rejected });
  }
  let scan: CheckedFile['scan'] = 'not_scanned';
  if (gate.scanner) {
    const infected: RejectedFile[] = [];
    for (const [i, f] of files.entries()) {
      const r = await gate.scanner.scan(f.content);
      if (r.status === 'infected') infected.push({ name: inspected[i]?.name ?? f.filename, reason: 'virus', detail: r.signature });
      else if (r.status === 'error') throw new AppError('unavailable', { de: 'Der Virenscanner ist nicht verfügbar; bitte versuchen Sie den Upload gleich noch einmal.', en: 'The virus scanner is not available; please try the upload again shortly.' });
    }
    if (infected.length > 0) throw new AppError('attachment_rejected', { de: `Nicht erlaubt: ${infected.map((f) => f.name).join(', ')}.`, en: `Not allowed: ${infected.map((f) => f.name).join(', ')}.` }, { files: infected });
    scan = 'clean';
  }
  return files.map((f, i) => {
    const detectedType = inspected[i]?.detectedType ?? null;
    return { filename: safeAttachmentName(f.filename, detectedType, i), content: f.content, detectedType, scan };
  });
}

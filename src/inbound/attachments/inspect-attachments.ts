import { fileTypeFromBuffer } from 'file-type';
import { isSignatureType } from '../../domain/attachment-policy.js';
import type { AttachmentPolicy, InspectedFile } from '../../domain/attachment-policy.js';
import type { ParsedAttachment } from '../../domain/parsed-mail.js';
import { inspectZip } from './inspect-zip.js';
import { safeDisplayName } from '../../domain/safe-name.js';
import { imageDimensions } from '../../domain/image-dimensions.js';

/**
 * Looks at an attachment's bytes and nothing else: the declared Content-Type and the file name's
 * extension are the sender's claims (an HTML page named `photo.png`, an SVG labelled image/png;
 * RELIABILITY A1, A2). `file-type` recognises formats by their magic bytes; text formats (SVG,
 * HTML, scripts) have none and come out as `detectedType: null`, kind 'other'.
 *
 * @example
 *   const files = await inspectAttachments(mail.attachments, policy);
 *   const verdict = judgeAttachments(files, policy);
 */
export async function inspectAttachment(
  a: { filename: string | null; content: Buffer },
  policy: AttachmentPolicy,
): Promise<InspectedFile> {
  const name = safeDisplayName(a.filename);
  const detected = await fileTypeFromBuffer(a.content);
  const detectedType = detected?.mime ?? null;
  if (detectedType === 'application/zip') {
    return { name, detectedType, kind: 'archive', archive: await inspectZip(a.content, policy.zip) };
  }
  const kind = detectedType !== null && detectedType.startsWith('image/') ? 'image' : 'other';
  const dims = kind === 'image' ? imageDimensions(a.content) : null;
  return dims ? { name, detectedType, kind, pixels: dims.width * dims.height } : { name, detectedType, kind };
}

/**
 * Inspects all files of one mail, in order. Inline (cid:) images are files like any other and are
 * judged the same way. A part declared as an S/MIME or PGP signature is skipped only when its
 * bytes are not a recognisable file format: the label alone must not let an executable through.
 */
export async function inspectAttachments(
  attachments: readonly Pick<ParsedAttachment, 'filename' | 'content' | 'contentType'>[],
  policy: AttachmentPolicy,
): Promise<InspectedFile[]> {
  const out: InspectedFile[] = [];
  for (const a of attachments) {
    const inspected = await inspectAttachment(a, policy);
    if (isSignatureType(a.contentType) && inspected.detectedType === null) continue;
    out.push(inspected);
  }
  return out;
}

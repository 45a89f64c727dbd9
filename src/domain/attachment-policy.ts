import { MAX_IMAGE_PIXELS } from './image-dimensions.js';
/**
 * Which inbound attachments an installation accepts, and the verdict over one mail's files.
 * Pure: the bytes were already inspected (magic-byte type, ZIP listing) by the inbound adapter,
 * so this file only decides. Names and declared MIME types never decide anything here
 * (RELIABILITY A1, A2): a file is what its bytes say it is.
 */

export interface ZipLimits {
  /** Entries in the central directory, directories included (RELIABILITY 8: ≤1 000). */
  maxEntries: number;
  /** Sum of the real uncompressed sizes of all entries (RELIABILITY 8: ≤100 MiB). */
  maxUncompressedBytes: number;
  /** Uncompressed total divided by the archive's size (RELIABILITY 8: ≤100:1). */
  maxRatio: number;
}

export interface AttachmentPolicy {
  /** MIME types as detected from magic bytes (the names `file-type` reports). */
  allowedImageTypes: string[];
  /** ZIP archives per mail; 0 forbids archives altogether. */
  maxArchives: number;
  /** An encrypted ZIP cannot be scanned (RELIABILITY A6), so the default refuses it. */
  allowEncryptedArchives: boolean;
  zip: ZipLimits;
}

const MIB = 1024 * 1024;

/**
 * The product's rule: common photo and screenshot formats and at most one ZIP. APNG is listed
 * because `file-type` reports an animated PNG as `image/apng`, and every PNG viewer shows its
 * first frame; the HEIF sequence types are what some iPhones send for burst or live photos.
 */
export const DEFAULT_ATTACHMENT_POLICY: AttachmentPolicy = {
  allowedImageTypes: [
    'image/jpeg',
    'image/png',
    'image/apng',
    'image/gif',
    'image/webp',
    'image/bmp',
    'image/tiff',
    'image/heic',
    'image/heic-sequence',
    'image/heif',
    'image/heif-sequence',
  ],
  maxArchives: 1,
  allowEncryptedArchives: false,
  zip: { maxEntries: 1000, maxUncompressedBytes: 100 * MIB, maxRatio: 100 },
};

/**
 * SVG is script-capable markup (RELIABILITY A1). Magic-byte detection never reports it, but an
 * installation that lists it by mistake must still not get it through.
 */
const NEVER_ALLOWED_TYPES: ReadonlySet<string> = new Set(['image/svg+xml']);

/** Detached S/MIME and PGP signatures are part of the mail's security, not files the sender attached. */
const SIGNATURE_TYPES: ReadonlySet<string> = new Set([
  'application/pkcs7-signature',
  'application/x-pkcs7-signature',
  'application/pgp-signature',
]);

/** True for a declared S/MIME or PGP signature type (parameters and case ignored). */
export function isSignatureType(declaredContentType: string): boolean {
  const base = declaredContentType.split(';', 1)[0] ?? '';
  return SIGNATURE_TYPES.has(base.trim().toLowerCase());
}

export type ZipProblem =
  | 'path_traversal'
  | 'absolute_path'
  | 'backslash_in_name'
  | 'too_many_entries'
  | 'too_large'
  | 'ratio'
  | 'overlapping_entries'
  | 'nested_archive'
  | 'encrypted'
  | 'unsupported_compression'
  | 'corrupt';

export interface ZipEntryInfo {
  /** Display-safe entry path. */
  name: string;
  size: number;
  compressedSize: number;
}

export type ZipReport =
  | { ok: true; entries: ZipEntryInfo[]; encrypted: boolean }
  | { ok: false; problem: ZipProblem; /** For the mail log: which entry, what the library said. */ detail?: string };

export interface InspectedFile {
  /** Display-safe file name (never a storage path). */
  name: string;
  /** MIME type from the magic bytes; null when nothing was recognised (text, SVG, HTML, …). */
  detectedType: string | null;
  /** What the bytes are, independent of the policy: any raster image, a ZIP, or anything else. */
  kind: 'image' | 'archive' | 'other';
  /** Present exactly when kind is 'archive'. */
  archive?: ZipReport;
  /** Width × height the image header declares, when it could be read (A11). */
  pixels?: number;
}

export type AttachmentRejection = 'attachment_type' | 'too_many_archives' | 'bad_archive';

export interface AttachmentOffence {
  file: string;
  reason: AttachmentRejection;
  detail: string;
}

export type AttachmentJudgement =
  | { ok: true }
  | {
      ok: false;
      /** The first of the offences' reasons in the order attachment_type, too_many_archives, bad_archive. */
      reason: AttachmentRejection;
      /** Every offending file once, in the order the mail carried them (RELIABILITY A7). */
      files: string[];
      detail: string;
      offences: AttachmentOffence[];
    };

const REASON_PRIORITY: readonly AttachmentRejection[] = ['attachment_type', 'too_many_archives', 'bad_archive'];

/**
 * Judges one mail's files together, because "at most one archive" is a rule about the set.
 * Every offending file is named, each with its own reason, so that the notice to the sender can
 * list them all instead of making them guess after the first one is fixed.
 */
export function judgeAttachments(files: readonly InspectedFile[], policy: AttachmentPolicy): AttachmentJudgement {
  const offences: AttachmentOffence[] = [];
  const allowedImages = new Set(policy.allowedImageTypes.filter((t) => !NEVER_ALLOWED_TYPES.has(t)));
  const archives = files.filter((f) => f.kind === 'archive');

  for (const file of files) {
    if (file.kind === 'image') {
      if (file.detectedType === null || !allowedImages.has(file.detectedType)) {
        offences.push({ file: file.name, reason: 'attachment_type', detail: `image type ${file.detectedType ?? 'unknown'} is not allowed` });
      } else if (file.pixels !== undefined && file.pixels > MAX_IMAGE_PIXELS) {
        // A decode bomb: a small file that would take gigabytes to draw (A11).
        offences.push({ file: file.name, reason: 'attachment_type', detail: `image declares ${file.pixels} pixels, more than ${MAX_IMAGE_PIXELS}` });
      }
      continue;
    }
    if (file.kind === 'other') {
      offences.push({ file: file.name, reason: 'attachment_type', detail: `type ${file.detectedType ?? 'unrecognised'} is not allowed` });
      continue;
    }
    if (policy.maxArchives <= 0) {
      offences.push({ file: file.name, reason: 'attachment_type', detail: 'archives are not allowed' });
      continue;
    }
    if (archives.length > policy.maxArchives) {
      offences.push({
        file: file.name,
        reason: 'too_many_archives',
        detail: `${archives.length} archives, at most ${policy.maxArchives} allowed`,
      });
    }
    const report = file.archive;
    if (report === undefined) {
      offences.push({ file: file.name, reason: 'bad_archive', detail: 'archive was not inspected' });
    } else if (!report.ok) {
      offences.push({ file: file.name, reason: 'bad_archive', detail: report.problem });
    } else if (report.encrypted && !policy.allowEncryptedArchives) {
      offences.push({ file: file.name, reason: 'bad_archive', detail: 'encrypted' });
    }
  }

  if (offences.length === 0) return { ok: true };
  const reason = REASON_PRIORITY.find((r) => offences.some((o) => o.reason === r)) ?? 'attachment_type';
  const names: string[] = [];
  for (const o of offences) if (!names.includes(o.file)) names.push(o.file);
  return {
    ok: false,
    reason,
    files: names,
    detail: offences.map((o) => `${o.file}: ${o.detail}`).join('; '),
    offences,
  };
}

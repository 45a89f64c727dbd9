/**
 * The MIME parser adapter: raw bytes in, the domain's ParsedMail out. The only importer of
 * mailparser. Bounds are checked by a pre-scan before mailparser runs (see pre-scan.ts); the
 * CPU budget needs a killable thread, so untrusted mail goes through parseMailInWorker.
 *
 * Usage:
 *   const mail = await parseMail(raw);                 // in-process, bounded but not killable
 *   const mail = await parseMailInWorker(raw);         // the same in a worker with a CPU budget
 */
import { simpleParser, type AddressObject, type Attachment, type StructuredHeader } from 'mailparser';
import type { MailAddress, ParsedAttachment, ParsedMail } from '../../domain/parsed-mail.js';
import { headerValue } from './header-text.js';
import { MalformedMailError } from './parse-errors.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
import { preScan } from './pre-scan.js';
import { expandTnef } from './tnef-attachments.js';

export { MailLoopError, MalformedMailError } from './parse-errors.js';
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
export { parseMailInWorker } from './parse-worker-pool.js';

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']);
const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

export async function parseMail(raw: Buffer, limits: Partial<ParseLimits> = {}): Promise<ParsedMail> {
  const bounds: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const scan = preScan(raw, bounds);
  const problems = [...scan.problems];

  let parsed;
  try {
    parsed = await simpleParser(scan.raw, {
      keepCidLinks: true, // the HTML keeps cid: links; the web view resolves them (CSP img-src cid:)
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      checksumAlgo: false,
      maxHeadSize: bounds.maxHeaderBytes,
      // The pre-scan cuts at maxParts; mailparser counts message/rfc822 bodies as extra nodes.
      maxChildNodes: bounds.maxParts * 2 + 10,
    });
  } catch (err) {
    throw new MalformedMailError((err as Error).message);
  }

  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const values = headers.get(key);
    if (values) values.push(headerValue(line));
    else headers.set(key, [headerValue(line)]);
  }

  let signed: ParsedMail['signed'] = null;
  let encrypted: ParsedMail['encrypted'] = null;
  const top = parsed.headers.get('content-type') as StructuredHeader | undefined;
  const topType = top?.value?.toLowerCase() ?? '';
  if (topType === 'multipart/encrypted') encrypted = 'pgp';
  if (topType === 'multipart/signed') signed = /pgp/i.test(top?.params.protocol ?? '') ? 'pgp' : 'smime';

  const attachments: ParsedAttachment[] = [];
  for (const part of parsed.attachments) {
    const type = part.contentType.toLowerCase();
    if (SIGNATURE_TYPES.has(type)) {
      signed ??= type === 'application/pgp-signature' ? 'pgp' : 'smime';
      continue;
    }
    if (PKCS7_MIME.has(type)) {
      const smimeType = structured(part, 'content-type')?.params['smime-type']?.toLowerCase() ?? '';
      if (smimeType.includes('signed')) signed ??= 'smime';
      else encrypted ??= 'smime';
    }
    if (type === 'application/pgp-encrypted') encrypted ??= 'pgp';
    attachments.push(toAttachment(part));
  }

  let text = parsed.text ?? null;
  let html = typeof parsed.html === 'string' ? parsed.html : null;
  if (text !== null) {
    if (/^-----BEGIN PGP MESSAGE-----/m.test(text)) encrypted ??= 'pgp';
    if (/^-----BEGIN PGP SIGNED MESSAGE-----/m.test(text)) signed ??= 'pgp';
  }

  const tnef = expandTnef(attachments);
  problems.push(...tnef.problems);
  html ??= tnef.html;
  text ??= tnef.text;

  const date = readDate(headers.get('date')?.[0], problems);
  return {
    headers,
    messageId: firstId(parsed.messageId),
    inReplyTo: ids(parsed.inReplyTo),
    references: ids(parsed.references),
    // Our own decoding: an unknown charset falls back to latin1 instead of U+FFFD (M7).
    subject: headers.get('subject')?.[0] ?? '',
    from: addresses(parsed.from)[0] ?? null,
    sender: addresses(parsed.headers.get('sender') as AddressObject | undefined)[0] ?? null,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    date,
    text,
    html,
    attachments: tnef.attachments,
    signed,
    encrypted,
    tnef: tnef.decoded,
    tnefFailed: tnef.failed,
    problems,
  };
}

function toAttachment(part: Attachment): ParsedAttachment {
  const disposition = part.contentDisposition?.toLowerCase();
  return {
    filename: part.filename ?? null,
    contentType: part.contentType.toLowerCase(),
    disposition: disposition === 'attachment' || disposition === 'inline' ? disposition : null,
    contentId: part.cid ?? (part.contentId ? part.contentId.replace(/^<|>$/g, '') : null),
    size: part.content.length,
    content: part.content,
    fromTnef: false,
  };
}

function structured(part: Attachment, name: string): StructuredHeader | undefined {
  const value = part.headers.get(name);
  return value && typeof value === 'object' && 'params' in value ? (value as StructuredHeader) : undefined;
}

function addresses(header: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const visit = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push({ address: entry.address.toLowerCase(), name: entry.name ?? '' });
    }
  };
  for (const object of Array.isArray(header) ? header : header ? [header] : []) visit(object.value);
  return out;
}

/** Message-IDs without angle brackets; a header without brackets is split on whitespace. */
function ids(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const bracketed = [...text.matchAll(/<([^<>\s]{1,998})>/g)].map((m) => m[1]!);
  if (bracketed.length > 0) return bracketed;
  return text.split(/[\s,]+/).filter((id) => id.length > 0 && id.length <= 998);
}

function firstId(value: string | undefined): string | null {
  return ids(value)[0] ?? null;
}

/** mailparser substitutes "now" for a bad date; the domain wants null instead (M11). */
function readDate(value: string | undefined, problems: string[]): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1900 || year > 9999) {
    problems.push(`unreadable Date header: ${value.slice(0, 100)}`);
    return null;
  }
  return date;
}

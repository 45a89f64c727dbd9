/**
 * The MIME parser adapter: raw bytes in, the domain's ParsedMail out. The only importer of
 * mailparser. Bounds are checked by a pre-scan before mailparser sees the bytes (see
 * pre-scan.ts); the CPU budget needs a killable thread, so untrusted mail goes through
 * parseMailInWorker. A RawMail is streamed through both, chunk by chunk, so a 25 MB mail is
 * never held whole (nor copied whole) while it is parsed.
 *
 * Usage:
 *   const mail = await parseMail(raw);                 // Buffer or RawMail; bounded but not killable
 *   const mail = await parseMailInWorker(raw);         // the same in a worker with a CPU budget (parse-worker-pool.ts)
 */
import {
  MailParser,
  type AddressObject,
  type Attachment,
  type AttachmentStream,
  type MailParserOptions,
  type MessageText,
  type ParsedMail as LibraryMail,
  type StructuredHeader,
} from 'mailparser';
import type { MailAddress, ParsedAttachment, ParsedMail } from '../../domain/parsed-mail.js';
import { rawMailFromBuffer, type RawMail } from '../../domain/raw-mail.js';
import { headerValue } from './header-text.js';
import { MalformedMailError } from './parse-errors.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
import { PreScanner } from './pre-scan.js';
import { expandTnef } from './tnef-attachments.js';
import { AttachmentContent } from './attachment-content.js';

export { MailLoopError, MalformedMailError } from './parse-errors.js';
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']);
const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
// Measured: one 24.6 MiB write grows the peak RSS by ~145 MiB, 64 KiB writes by ~50 MiB.
const WRITE_BYTES = 64 * 1024;
// The headers simpleParser copies onto its result, as camelCase fields.
const HEADER_FIELDS = ['subject', 'references', 'date', 'to', 'from', 'cc', 'bcc', 'message-id', 'in-reply-to', 'reply-to'];

export async function parseMail(raw: Buffer | RawMail, limits: Partial<ParseLimits> = {}): Promise<ParsedMail> {
  const bounds: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const { parsed, problems } = await scanAndParse(Buffer.isBuffer(raw) ? rawMailFromBuffer(raw) : raw, bounds);

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
    const type = contentTypeOf(part);
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
  for (const problem of tnef.problems) problems.push(problem);
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

/**
 * Reads the mail once: every chunk goes through the pre-scan, and what it approves into
 * mailparser. Reading stops at a cut. An error of the source (the database) is passed on as
 * it is; only mailparser's errors make the mail malformed.
 */
async function scanAndParse(raw: RawMail, bounds: ParseLimits): Promise<{ parsed: LibraryMail; problems: string[] }> {
  const scan = new PreScanner(bounds);
  const parser = new ParserInput({
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    checksumAlgo: false,
    maxHeadSize: bounds.maxHeaderBytes,
    // The pre-scan cuts at maxParts; mailparser counts message/rfc822 bodies as extra nodes.
    maxChildNodes: bounds.maxParts * 2 + 10,
  }, raw.size);
  try {
    let seen = 0;
    for await (const chunk of raw.chunks()) {
      seen += chunk.length;
      await parser.write(scan.push(chunk));
      if (scan.cutAt !== null) break;
    }
    if (scan.cutAt === null && seen !== raw.size) throw new Error(`raw mail is ${seen} bytes, expected ${raw.size}`);
    await parser.write(scan.end());
    return { parsed: await parser.end(), problems: scan.problems };
  } catch (err) {
    parser.abort();
    throw err;
  }
}

/** mailparser's MailParser written in pieces of WRITE_BYTES, each after the last has drained. */
class ParserInput {
  private readonly parser: MailParser;
  private readonly result: Promise<LibraryMail>;
  private failure: MalformedMailError | null = null;
  private onFailure: (() => void) | null = null;

  constructor(options: MailParserOptions, capacity: number) {
    this.parser = new MailParser(options);
    this.result = collect(this.parser, capacity).catch((err: Error) => {
      this.failure = new MalformedMailError(err.message);
      this.onFailure?.();
      throw this.failure;
    });
    // Awaited by end(); a failure before that reaches the writer through `failure`.
    this.result.catch(() => undefined);
  }

  async write(pieces: Buffer[]): Promise<void> {
    for (const piece of pieces) {
      for (let at = 0; at < piece.length; at += WRITE_BYTES) {
        if (this.failure) throw this.failure;
        if (!this.parser.write(piece.subarray(at, at + WRITE_BYTES))) await this.drained();
      }
    }
    if (this.failure) throw this.failure;
  }

  end(): Promise<LibraryMail> {
    if (!this.failure) this.parser.end();
    return this.result;
  }

  abort(): void {
    this.parser.destroy();
  }

  /** 'drain', or the parser's failure: after an error there may be no 'drain' ever. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onDrain = (): void => {
        this.onFailure = null;
        resolve();
      };
      this.parser.once('drain', onDrain);
      this.onFailure = () => {
        this.parser.off('drain', onDrain);
        reject(this.failure);
      };
    });
  }
}

/**
 * The parser's output collected as simpleParser (mailparser/dist/cjs/simple-parser.js)
 * collects it, which is what parseMail was written against: headers, headerLines, text and
 * html, each attachment read whole (see AttachmentContent) and released. Like simpleParser with
 * keepCidLinks, cid: links in the HTML are left alone (the web view resolves them, CSP img-src
 * cid:). mailparser may emit a non-fatal 'error' and still reach 'end': the first one wins.
 */
function collect(parser: MailParser, capacity: number): Promise<LibraryMail> {
  const mail = { attachments: [] as Attachment[] } as LibraryMail;
  return new Promise<LibraryMail>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (!settled) reject(err);
      settled = true;
    };
    parser.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headers = headers;
      mail.headerLines = parser.headerLines || [];
    });
    let reading = false;
    const read = (): void => {
      reading = true;
      const data = parser.read() as AttachmentStream | MessageText | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        for (const key of ['text', 'html', 'textAsHtml', 'textConversionError'] as const) {
          if (key in data) Object.assign(mail, { [key]: data[key] });
        }
        read();
        return;
      }
      const stream = data.content;
      const content = new AttachmentContent(capacity);
      mail.attachments.push(data as unknown as Attachment);
      // simpleParser leaves this unheard, which would take the process down.
      stream.on('error', fail);
      stream.on('readable', () => {
        let chunk: Buffer | null;
        while ((chunk = stream.read() as Buffer | null) !== null) content.push(chunk);
      });
      stream.on('end', () => {
        Object.assign(data, { content: content.finish() });
        data.release?.();
        read();
      });
    };
    parser.on('readable', () => {
      if (!reading) read();
    });
    parser.on('end', () => {
      for (const key of HEADER_FIELDS) {
        const field = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        if (mail.headers?.has(key)) Object.assign(mail, { [field]: mail.headers.get(key) });
      }
      if (!settled) resolve(mail);
      settled = true;
    });
  });
}

function toAttachment(part: Attachment): ParsedAttachment {
  const disposition = part.contentDisposition?.toLowerCase();
  return {
    filename: part.filename ?? null,
    contentType: contentTypeOf(part),
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

/**
 * mailparser leaves `contentType` without a string for a part whose Content-Type header is
 * empty at the very end of the mail (found by fuzzing): such a part is plain bytes (RFC 2045
 * §5.2 would make it text/plain, but as an attachment nothing can be assumed of it).
 */
function contentTypeOf(part: Attachment): string {
  return typeof part.contentType === 'string' && part.contentType !== '' ? part.contentType.toLowerCase() : 'application/octet-stream';
}

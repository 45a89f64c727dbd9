/**
 * One linear pass over the raw bytes before the MIME library sees them, so that the cheap
 * bounds (header size, loop, address count, part count, nesting depth) hold no matter how the
 * library behaves. Parts and depth are not refused but cut off: the mail is parsed up to the
 * first part beyond the cap, and `problems` says "truncated" (RELIABILITY M1, M2).
 *
 * The scanner is fed chunk by chunk and hands back the bytes the parser may have. It holds
 * back only what a later decision could still take away: the top-level header block (≤ 1 MiB,
 * so that a refusal comes before the library has seen anything, as when the scan ran first
 * over the whole mail), and, once a cap is within reach, a line that may turn out to be the
 * cut, or the header block of a part that would be nested too deep.
 *
 * Cost: every line is looked at once; only lines starting with "--" are compared with the
 * open boundaries, of which there are at most `maxDepth`, so the work is O(bytes × depth).
 *
 * Usage:
 *   const scan = new PreScanner(limits);
 *   for await (const chunk of raw.chunks()) { parse(scan.push(chunk)); if (scan.cutAt !== null) break; }
 *   parse(scan.end()); scan.problems;
 *   const { raw, problems } = preScan(buffer, limits);   // the same over one Buffer
 */
import { MailLoopError, MalformedMailError } from './parse-errors.js';
import type { ParseLimits } from './parse-limits.js';
import { LINE_HEAD, LineBuffer, wholeLine, type LineView } from './pre-scan-line.js';

export interface PreScanResult {
  /** The bytes to parse: the input, or a prefix of it when a part or depth cap was hit. */
  raw: Buffer;
  problems: string[];
}

interface OpenBoundary {
  delimiter: Buffer;
  depth: number;
}

const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'resent-to', 'resent-cc']);
// A Content-Type longer than this is not a real one; the rest of it is ignored for the scan.
const MAX_CONTENT_TYPE = 8192;
// RFC 2046 allows 70 characters; a little slack for broken mailers, and no more.
const MAX_BOUNDARY = 200;
const DASH = 0x2d;

export function preScan(raw: Buffer, limits: ParseLimits): PreScanResult {
  const scan = new PreScanner(limits);
  scan.push(raw);
  scan.end();
  return { raw: scan.cutAt === null ? raw : raw.subarray(0, scan.cutAt), problems: scan.problems };
}

export class PreScanner {
  readonly problems: string[] = [];
  /** Where the mail is cut off (a part or depth cap was hit), or null; nothing after it is parsed. */
  cutAt: number | null = null;

  private readonly limits: ParseLimits;
  private readonly line = new LineBuffer();
  private readonly stack: OpenBoundary[] = [];
  private inHeaders = true;
  private topLevel = true;
  private depth = 1;
  private blockStart = 0;
  private parts = 1;
  private received = 0;
  private field = '';
  private contentType = '';
  private addresses = 0;
  private quoted = false;
  private comment = 0;
  private position = 0;
  private ended = false;
  // Bytes seen but not yet handed back, in order, from `heldFrom` to `position`.
  private held: Buffer[] = [];
  private heldFrom = 0;

  constructor(limits: ParseLimits) {
    this.limits = limits;
  }

  /**
   * Scans the next bytes; throws MalformedMailError or MailLoopError for a refused mail. Returns
   * the bytes the parser may now have (views of the chunks pushed), in order.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.cutAt !== null || this.ended) return [];
    const base = this.position;
    let at = 0;
    while (at < chunk.length && this.cutAt === null) {
      const newline = chunk.indexOf(0x0a, at);
      if (newline < 0) {
        if (!this.line.pending) this.line.begin(base + at, this.inHeaders && this.topLevel ? Infinity : LINE_HEAD);
        this.line.append(chunk.subarray(at));
        this.checkHeaderSize();
        break;
      }
      if (this.line.pending) {
        this.line.append(chunk.subarray(at, newline));
        this.scanLine(this.line.view(), this.line.start, base + newline + 1);
        this.line.reset();
      } else {
        this.scanLine(wholeLine(chunk.subarray(at, newline), this.inHeaders), base + at, base + newline + 1);
      }
      at = newline + 1;
    }
    this.position = base + chunk.length;
    this.held.push(chunk);
    return this.release(this.cutAt ?? this.holdFrom());
  }

  /** The end of the mail: the last line (without a newline), and the bytes still held back. */
  end(): Buffer[] {
    if (this.cutAt !== null || this.ended) return [];
    this.ended = true;
    if (this.line.pending) {
      this.scanLine(this.line.view(), this.line.start, this.position);
      this.line.reset();
    }
    if (this.cutAt === null) {
      if (this.inHeaders && this.topLevel && this.position > this.limits.maxHeaderBytes) {
        throw new MalformedMailError(`header block larger than ${this.limits.maxHeaderBytes} bytes`);
      }
      if (this.stack.length > 0) this.problems.push('missing closing MIME boundary (body read to the end)');
    }
    return this.release(this.cutAt ?? this.position);
  }

  /**
   * A top-level header line is refused as soon as it has crossed the bound and is certainly
   * not empty (two bytes, or one that is not the CR of a blank line), exactly where the
   * whole-line check would refuse it; so it is never kept longer than the bound.
   */
  private checkHeaderSize(): void {
    if (!this.inHeaders || !this.topLevel) return;
    const { start, length } = this.line;
    const nonEmpty = length > 1 || this.line.view().length > 0;
    if (nonEmpty && start + length > this.limits.maxHeaderBytes) {
      throw new MalformedMailError(`header block larger than ${this.limits.maxHeaderBytes} bytes`);
    }
  }

  /** The rules for one line; `next` is the offset just after its line ending. */
  private scanLine(line: LineView, lineStart: number, next: number): void {
    const { limits } = this;
    if (this.inHeaders) {
      if (this.topLevel && next > limits.maxHeaderBytes && line.length > 0) {
        throw new MalformedMailError(`header block larger than ${limits.maxHeaderBytes} bytes`);
      }
      if (line.length === 0) {
        this.endHeaders(next);
        return;
      }
      const first = line.head[0];
      if (first === 0x20 || first === 0x09) {
        if (this.field === 'content-type' && this.contentType.length < MAX_CONTENT_TYPE) {
          this.contentType += line.head.subarray(0, MAX_CONTENT_TYPE - this.contentType.length).toString('latin1');
        }
        if (this.topLevel && ADDRESS_HEADERS.has(this.field)) this.countAddresses(line.head, 0);
        return;
      }
      this.endField();
      const { colon } = line;
      this.field = colon > 0 ? line.head.subarray(0, Math.min(colon, 64)).toString('latin1').trim().toLowerCase() : '';
      this.addresses = 0;
      this.quoted = false;
      this.comment = 0;
      if (this.field === 'content-type') this.contentType = line.afterColon.toString('latin1');
      if (this.topLevel && this.field === 'received' && ++this.received > limits.maxReceived) throw new MailLoopError(this.received);
      if (this.topLevel && ADDRESS_HEADERS.has(this.field)) this.countAddresses(line.head, colon + 1);
      return;
    }

    const { stack } = this;
    if (stack.length === 0 || line.length < 3 || line.head[0] !== DASH || line.head[1] !== DASH) return;
    for (let i = stack.length - 1; i >= 0; i--) {
      const open = stack[i]!;
      const kind = delimiterKind(line, open.delimiter);
      if (kind === null) continue;
      // A delimiter of an outer multipart closes every multipart opened inside it (M5).
      stack.length = kind === 'close' ? i : i + 1;
      if (kind === 'part') {
        if (++this.parts > limits.maxParts) return this.cut(lineStart, `more than ${limits.maxParts} MIME parts`);
        this.inHeaders = true;
        this.depth = open.depth + 1;
        this.blockStart = lineStart;
      }
      break;
    }
  }

  private endHeaders(next: number): void {
    const { limits } = this;
    this.endField();
    const type = parseContentType(this.contentType);
    this.inHeaders = false;
    this.topLevel = false;
    this.field = '';
    this.contentType = '';
    if (type.boundary !== null) {
      if (this.depth > limits.maxDepth) return this.cut(this.blockStart, `nesting deeper than ${limits.maxDepth}`);
      this.stack.push({ delimiter: Buffer.from(`--${type.boundary}`, 'latin1'), depth: this.depth });
    } else if (type.message) {
      // An attached message/rfc822 starts with its own header block, one level deeper.
      this.inHeaders = true;
      this.depth++;
      this.blockStart = next;
      if (this.depth > limits.maxDepth) return this.cut(this.blockStart, `nesting deeper than ${limits.maxDepth}`);
    }
  }

  private endField(): void {
    const max = this.limits.maxAddressesPerHeader;
    if (this.topLevel && ADDRESS_HEADERS.has(this.field) && this.addresses + 1 > max) {
      throw new MalformedMailError(`${this.field} lists more than ${max} addresses`);
    }
  }

  private countAddresses(line: Buffer, from: number): void {
    for (let i = from; i < line.length; i++) {
      const c = line[i];
      if (c === 0x5c) i++; // backslash escapes the next character
      else if (c === 0x22 && this.comment === 0) this.quoted = !this.quoted;
      else if (this.quoted) continue;
      else if (c === 0x28) this.comment++;
      else if (c === 0x29 && this.comment > 0) this.comment--;
      else if (c === 0x2c && this.comment === 0) this.addresses++;
    }
  }

  private cut(at: number, why: string): void {
    this.problems.push(`truncated: ${why}`);
    this.cutAt = at;
  }

  /**
   * Where the bytes a later line could still cut off (or that must wait for the top-level
   * checks) begin; everything before it is final.
   */
  private holdFrom(): number {
    if (this.inHeaders && (this.topLevel || this.depth > this.limits.maxDepth)) return this.blockStart;
    if (this.line.pending && this.mayCut(this.line.view())) return this.line.start;
    return this.position;
  }

  /** Whether the unfinished line may yet be a delimiter whose part would be cut off. */
  private mayCut(line: LineView): boolean {
    if (this.inHeaders || this.stack.length === 0) return false;
    const partCap = this.parts >= this.limits.maxParts;
    const depthCap = this.stack.some((open) => open.depth >= this.limits.maxDepth);
    if (!partCap && !depthCap) return false;
    // Loose on purpose (any run of dashes and blanks after the delimiter): holding a line too
    // many only delays it, handing over one too early would make the cut wrong.
    const { head } = line;
    return this.stack.some(({ delimiter }) => {
      const common = Math.min(head.length, delimiter.length);
      if (head.compare(delimiter, 0, common, 0, common) !== 0) return false;
      for (let i = delimiter.length; i < head.length; i++) {
        const c = head[i];
        if (c !== 0x20 && c !== 0x09 && c !== DASH) return false;
      }
      return line.blankTail;
    });
  }

  /** Hands back the held bytes before `until`; with a cut, the rest is dropped for good. */
  private release(until: number): Buffer[] {
    // Bytes once handed to the parser cannot be taken back; a cut before them would be a bug here.
    if (until < this.heldFrom && this.cutAt !== null) throw new Error('pre-scan: cut before bytes already released');
    const out: Buffer[] = [];
    let at = this.heldFrom;
    let taken = 0;
    for (; taken < this.held.length && at < until; taken++) {
      const piece = this.held[taken]!;
      if (at + piece.length > until) {
        out.push(piece.subarray(0, until - at));
        this.held[taken] = piece.subarray(until - at);
        at = until;
        break;
      }
      if (piece.length > 0) out.push(piece);
      at += piece.length;
    }
    if (this.cutAt !== null || this.ended) this.held = [];
    else if (taken > 0) this.held = this.held.slice(taken);
    this.heldFrom = at;
    return out;
  }
}

function delimiterKind(line: LineView, delimiter: Buffer): 'part' | 'close' | null {
  const { head } = line;
  if (line.length < delimiter.length || head.compare(delimiter, 0, delimiter.length, 0, delimiter.length) !== 0) {
    return null;
  }
  let rest = delimiter.length;
  let kind: 'part' | 'close' = 'part';
  if (head[rest] === DASH && head[rest + 1] === DASH) {
    kind = 'close';
    rest += 2;
  }
  // Only whitespace may follow a delimiter; anything else means a longer, different boundary.
  for (; rest < head.length; rest++) {
    const c = head[rest];
    if (c !== 0x20 && c !== 0x09) return null;
  }
  return line.blankTail ? kind : null;
}

function parseContentType(value: string): { boundary: string | null; message: boolean } {
  const type = /^\s*([a-z0-9!#$&^_.+-]+)\s*\/\s*([a-z0-9!#$&^_.+-]+)/i.exec(value);
  const main = type?.[1]?.toLowerCase() ?? '';
  const sub = type?.[2]?.toLowerCase() ?? '';
  if (main === 'multipart') {
    const match = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;"]{1,200}))/i.exec(value);
    const boundary = match?.[1] ?? match?.[2];
    return { boundary: boundary && boundary.length <= MAX_BOUNDARY ? boundary : null, message: false };
  }
  return { boundary: null, message: main === 'message' && (sub === 'rfc822' || sub === 'global') };
}

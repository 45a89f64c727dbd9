/**
 * What the pre-scan reads of one line, for a line that spans chunk boundaries. The rules only
 * look at the start of a line (a delimiter is at most ~200 bytes followed by blanks, a header
 * name is read from its first 64 bytes, a Content-Type value from its first 8 KiB), so a line
 * of any length is kept as a bounded head plus a few facts about the rest, never assembled
 * whole. The one exception is a top-level header line, whose size the 1 MiB header block rule
 * bounds: it is kept whole (cap Infinity) because the address count reads all of it.
 *
 * Usage:
 *   const line = new LineBuffer();
 *   line.begin(offset, LINE_HEAD); line.append(tail of chunk 1); line.append(start of chunk 2);
 *   const view = line.view(); …; line.reset();
 *   const whole = wholeLine(chunk.subarray(from, newline), inHeaders);   // no assembly needed
 */

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const COLON = 0x3a;

/** Bytes kept of the start of a line that spans chunks; enough for every rule but the address count. */
export const LINE_HEAD = 8192;
/** Bytes kept after a header line's first colon (a Content-Type longer than this is not a real one). */
export const AFTER_COLON = 8192;

const EMPTY = Buffer.alloc(0);

/** One line as the rules read it: its content is the line without its CR LF (or LF, or final CR). */
export interface LineView {
  /** Length of the content. */
  length: number;
  /** The content, or (for a long line) at least its first LINE_HEAD bytes. */
  head: Buffer;
  /** Whether every content byte after `head` is a space or a tab (true when `head` is all of it). */
  blankTail: boolean;
  /** Offset of the first ':' in the content, -1 when there is none (or it was not looked for). */
  colon: number;
  /** Up to AFTER_COLON content bytes after that colon. */
  afterColon: Buffer;
}

/** A line that lies inside one chunk: a view of it, no copy. */
export function wholeLine(bytes: Buffer, findColon: boolean): LineView {
  const length = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
  const head = bytes.subarray(0, length);
  const colon = findColon ? head.indexOf(COLON) : -1;
  const afterColon = colon >= 0 ? head.subarray(colon + 1, colon + 1 + AFTER_COLON) : EMPTY;
  return { length, head, blankTail: true, colon, afterColon };
}

/** The line in progress across chunks. Copies what it keeps, so it pins no chunk. */
export class LineBuffer {
  /** Offset in the mail of the line's first byte. */
  start = 0;
  /** Bytes of the line seen so far, a CR included, the LF not. */
  length = 0;
  private cap = LINE_HEAD;
  private head = Buffer.allocUnsafe(256);
  private headLength = 0;
  private colon = -1;
  private after: Buffer | null = null;
  private afterLength = 0;
  private blankTail = true;
  // A CR counts as the line ending only when nothing but the LF follows it; until then it is
  // undecided, and any byte after it makes it content (which is not blank).
  private crPending = false;
  private last = -1;

  get pending(): boolean {
    return this.length > 0;
  }

  begin(start: number, cap: number): void {
    this.start = start;
    this.cap = cap;
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const keep = Math.min(bytes.length, this.cap - this.headLength);
    if (keep > 0) {
      this.reserve(this.headLength + keep);
      bytes.copy(this.head, this.headLength, 0, keep);
      this.headLength += keep;
    }
    for (let i = keep; i < bytes.length && this.blankTail; i++) {
      const c = bytes[i];
      if (this.crPending) this.blankTail = false;
      else if (c === CR) this.crPending = true;
      else if (c !== SP && c !== TAB) this.blankTail = false;
    }
    if (this.colon < 0) {
      const at = bytes.indexOf(COLON);
      if (at >= 0) this.colon = this.length + at;
    }
    if (this.colon >= 0 && this.afterLength < AFTER_COLON) {
      const from = Math.max(0, this.colon + 1 - this.length);
      const to = Math.min(bytes.length, from + AFTER_COLON - this.afterLength);
      if (to > from) {
        this.after ??= Buffer.allocUnsafe(AFTER_COLON);
        bytes.copy(this.after, this.afterLength, from, to);
        this.afterLength += to - from;
      }
    }
    this.length += bytes.length;
    this.last = bytes[bytes.length - 1]!;
  }

  /** The line as read if it ended here. The view shares this buffer's memory until reset(). */
  view(): LineView {
    const length = this.last === CR ? this.length - 1 : this.length;
    const complete = this.length <= this.cap;
    const head = this.head.subarray(0, complete ? length : this.cap);
    const colon = this.colon < length ? this.colon : -1;
    const afterLength = colon >= 0 ? Math.min(this.afterLength, length - colon - 1) : 0;
    const afterColon = this.after && afterLength > 0 ? this.after.subarray(0, afterLength) : EMPTY;
    return { length, head, blankTail: complete || this.blankTail, colon, afterColon };
  }

  reset(): void {
    // A whole top-level header line may have grown the head to a MiB; do not keep that.
    if (this.head.length > LINE_HEAD) this.head = Buffer.allocUnsafe(256);
    this.length = 0;
    this.headLength = 0;
    this.colon = -1;
    this.afterLength = 0;
    this.blankTail = true;
    this.crPending = false;
    this.last = -1;
  }

  private reserve(size: number): void {
    if (size <= this.head.length) return;
    const grown = Buffer.allocUnsafe(Math.max(size, this.head.length * 2));
    this.head.copy(grown, 0, 0, this.headLength);
    this.head = grown;
  }
}

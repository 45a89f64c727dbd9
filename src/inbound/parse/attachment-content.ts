/**
 * Collects the decoded bytes of one attachment as the parser emits them (in small pieces).
 * Up to 1 MiB they are kept as a list and joined once at the end. Past that, they are written
 * into one buffer reserved at `capacity` (the raw mail's size: no decoded part is bigger than
 * the mail it came in). An untouched reservation is not resident memory, its pages become so only
 * as they are written, so an 18 MiB screenshot costs 18 MiB instead of its pieces plus their
 * concatenation (measured: 36 MiB, and as much garbage for the collector).
 *
 * Usage:
 *   const c = new AttachmentContent(raw.size);
 *   stream.on('data', (piece) => c.push(piece));
 *   stream.on('end', () => (attachment.content = c.finish()));
 */
const LIST_BYTES = 1024 * 1024;

/**
 * ArrayBuffers that back exactly one attachment, though the attachment may be a view of only
 * their start: moving one to another thread detaches nothing else (unlike Node's shared pool).
 */
export const exclusiveBuffers = new WeakSet<ArrayBufferLike>();

/**
 * The Buffer may be moved to another thread: it is the only view of its ArrayBuffer, or one of
 * the exclusive ones above. A view into Node's shared pool is not: moving it would detach its
 * neighbours.
 */
export function movable(b: Uint8Array): boolean {
  return b.buffer instanceof ArrayBuffer && (exclusiveBuffers.has(b.buffer) || (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength));
}

export class AttachmentContent {
  private pieces: Buffer[] = [];
  private reserved: Buffer | null = null;
  private length = 0;

  constructor(private readonly capacity: number) {}

  push(piece: Buffer): void {
    if (this.reserved) {
      if (this.length + piece.length > this.reserved.length) this.grow(this.length + piece.length);
      this.length += piece.copy(this.reserved, this.length);
      return;
    }
    this.pieces.push(piece);
    this.length += piece.length;
    if (this.length > LIST_BYTES) {
      this.grow(Math.max(this.capacity, this.length));
      let at = 0;
      for (const p of this.pieces) at += p.copy(this.reserved!, at);
      this.pieces = [];
    }
  }

  finish(): Buffer {
    if (!this.reserved) return Buffer.concat(this.pieces, this.length);
    const content = this.reserved.subarray(0, this.length);
    exclusiveBuffers.add(content.buffer);
    this.reserved = null;
    return content;
  }

  /** A part bigger than the reservation cannot come from a well-counted mail; kept correct anyway. */
  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(atLeast, (this.reserved?.length ?? 0) * 2));
    if (this.reserved) this.reserved.copy(next, 0, 0, this.length);
    this.reserved = next;
  }
}

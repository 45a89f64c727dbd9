/**
 * A blob column as a Buffer without copying it: better-sqlite3 and pg return Buffers already;
 * anything else (a plain Uint8Array) is wrapped. A copy would cost a 25 MB file once more.
 */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

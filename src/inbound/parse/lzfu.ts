/**
 * Decompression of Outlook's compressed RTF (PR_RTF_COMPRESSED), as specified in MS-OXRTFCP.
 * node-tnef leaves the property compressed, and the format is small: a 16-byte header and an
 * LZ77 variant over a 4 KiB ring buffer that starts pre-filled with common RTF words.
 */

const COMPRESSED = 0x75465a4c; // "LZFu"
const UNCOMPRESSED = 0x414c454d; // "MELA"
const HEADER_SIZE = 16;
const RING_SIZE = 4096;

// MS-OXRTFCP 3.1.3.1: the 207 bytes the ring buffer holds before the first byte is decoded.
const INITIAL_DICTIONARY = Buffer.from(
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern ' +
    '\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0' +
    '\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx',
  'latin1',
);

export class CompressedRtfError extends Error {
  constructor(detail: string) {
    super(`compressed RTF: ${detail}`);
    this.name = 'CompressedRtfError';
  }
}

/**
 * Returns the RTF bytes of a PR_RTF_COMPRESSED value. The output never exceeds `maxBytes`
 * (the declared raw size is attacker-chosen, so it is only trusted up to that cap).
 */
export function decompressRtf(input: Buffer, maxBytes = 32 * 1024 * 1024): Buffer {
  if (input.length < HEADER_SIZE) throw new CompressedRtfError('shorter than its header');
  const compSize = input.readUInt32LE(0);
  const rawSize = input.readUInt32LE(4);
  const type = input.readUInt32LE(8);
  // compSize counts everything after its own field; a wrong value only shortens the input.
  const end = Math.min(input.length, compSize + 4);
  // Found by the fuzzer: a compSize below the header's own 12 bytes made the output size negative.
  if (end < HEADER_SIZE) throw new CompressedRtfError(`compressed size ${compSize} is smaller than the header`);
  if (type === UNCOMPRESSED) return Buffer.from(input.subarray(HEADER_SIZE, Math.min(end, HEADER_SIZE + rawSize)));
  if (type !== COMPRESSED) throw new CompressedRtfError(`unknown type 0x${type.toString(16)}`);

  // Each control byte governs at most 8 tokens of 2 bytes that expand to 17 bytes each, so
  // the output can never exceed 8.5 times the input: a lying rawSize cannot force a big buffer.
  const limit = Math.min(rawSize, maxBytes, Math.ceil((end - HEADER_SIZE) * 8.5));
  const out = Buffer.allocUnsafe(limit);
  const ring = Buffer.alloc(RING_SIZE);
  INITIAL_DICTIONARY.copy(ring);
  let write = INITIAL_DICTIONARY.length;
  let outLen = 0;
  let pos = HEADER_SIZE;
  while (pos < end && outLen < limit) {
    const control = input[pos++]!;
    for (let bit = 0; bit < 8 && pos < end && outLen < limit; bit++) {
      if ((control & (1 << bit)) === 0) {
        const byte = input[pos++]!;
        out[outLen++] = byte;
        ring[write] = byte;
        write = (write + 1) % RING_SIZE;
        continue;
      }
      if (pos + 1 >= end) return out.subarray(0, outLen);
      const token = (input[pos]! << 8) | input[pos + 1]!;
      pos += 2;
      let offset = token >> 4;
      // A reference to the current write position marks the end of the stream.
      if (offset === write) return out.subarray(0, outLen);
      const length = (token & 0xf) + 2;
      for (let i = 0; i < length && outLen < limit; i++) {
        const byte = ring[offset]!;
        out[outLen++] = byte;
        ring[write] = byte;
        write = (write + 1) % RING_SIZE;
        offset = (offset + 1) % RING_SIZE;
      }
    }
  }
  return out.subarray(0, outLen);
}

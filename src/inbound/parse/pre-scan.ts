/**
 * One linear pass over the raw bytes before the MIME library sees them, so that the cheap
 * bounds (header size, loop, address count, part count, nesting depth) hold no matter how the
 * library behaves. Parts and depth are not refused but cut off: the mail is parsed up to the
 * first part beyond the cap, and `problems` says "truncated" (RELIABILITY M1, M2).
 *
 * Cost: every line is looked at once; only lines starting with "--" are compared with the
 * open boundaries, of which there are at most `maxDepth`, so the work is O(bytes × depth).
 */
import { MailLoopError, MalformedMailError } from './parse-errors.js';
import type { ParseLimits } from './parse-limits.js';

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

export function preScan(raw: Buffer, limits: ParseLimits): PreScanResult {
  const problems: string[] = [];
  const stack: OpenBoundary[] = [];
  let inHeaders = true;
  let topLevel = true;
  let depth = 1;
  let blockStart = 0;
  let parts = 1;
  let received = 0;
  let field = '';
  let contentType = '';
  let addresses = 0;
  let quoted = false;
  let comment = 0;

  const endField = (): void => {
    if (topLevel && ADDRESS_HEADERS.has(field) && addresses + 1 > limits.maxAddressesPerHeader) {
      throw new MalformedMailError(`${field} lists more than ${limits.maxAddressesPerHeader} addresses`);
    }
  };
  const countAddresses = (line: Buffer, from: number): void => {
    for (let i = from; i < line.length; i++) {
      const c = line[i];
      if (c === 0x5c) i++; // backslash escapes the next character
      else if (c === 0x22 && comment === 0) quoted = !quoted;
      else if (quoted) continue;
      else if (c === 0x28) comment++;
      else if (c === 0x29 && comment > 0) comment--;
      else if (c === 0x2c && comment === 0) addresses++;
    }
  };
  const cut = (at: number, why: string): PreScanResult => {
    problems.push(`truncated: ${why}`);
    return { raw: raw.subarray(0, at), problems };
  };

  let pos = 0;
  while (pos < raw.length) {
    const newline = raw.indexOf(0x0a, pos);
    const next = newline < 0 ? raw.length : newline + 1;
    let end = newline < 0 ? raw.length : newline;
    if (end > pos && raw[end - 1] === 0x0d) end--;
    const line = raw.subarray(pos, end);
    const lineStart = pos;
    pos = next;

    if (inHeaders) {
      if (topLevel && next > limits.maxHeaderBytes && line.length > 0) {
        throw new MalformedMailError(`header block larger than ${limits.maxHeaderBytes} bytes`);
      }
      if (line.length === 0) {
        endField();
        const type = parseContentType(contentType);
        inHeaders = false;
        topLevel = false;
        field = '';
        contentType = '';
        if (type.boundary !== null) {
          if (depth > limits.maxDepth) return cut(blockStart, `nesting deeper than ${limits.maxDepth}`);
          stack.push({ delimiter: Buffer.from(`--${type.boundary}`, 'latin1'), depth });
        } else if (type.message) {
          // An attached message/rfc822 starts with its own header block, one level deeper.
          inHeaders = true;
          depth++;
          blockStart = pos;
          if (depth > limits.maxDepth) return cut(blockStart, `nesting deeper than ${limits.maxDepth}`);
        }
        continue;
      }
      const first = line[0];
      if (first === 0x20 || first === 0x09) {
        if (field === 'content-type' && contentType.length < MAX_CONTENT_TYPE) contentType += line.toString('latin1');
        if (topLevel && ADDRESS_HEADERS.has(field)) countAddresses(line, 0);
        continue;
      }
      endField();
      const colon = line.indexOf(0x3a);
      field = colon > 0 ? line.subarray(0, Math.min(colon, 64)).toString('latin1').trim().toLowerCase() : '';
      addresses = 0;
      quoted = false;
      comment = 0;
      if (field === 'content-type') contentType = line.subarray(colon + 1, colon + 1 + MAX_CONTENT_TYPE).toString('latin1');
      if (topLevel && field === 'received' && ++received > limits.maxReceived) throw new MailLoopError(received);
      if (topLevel && ADDRESS_HEADERS.has(field)) countAddresses(line, colon + 1);
      continue;
    }

    if (stack.length === 0 || line.length < 3 || line[0] !== 0x2d || line[1] !== 0x2d) continue;
    for (let i = stack.length - 1; i >= 0; i--) {
      const open = stack[i]!;
      const kind = delimiterKind(line, open.delimiter);
      if (kind === null) continue;
      // A delimiter of an outer multipart closes every multipart opened inside it (M5).
      stack.length = kind === 'close' ? i : i + 1;
      if (kind === 'part') {
        if (++parts > limits.maxParts) return cut(lineStart, `more than ${limits.maxParts} MIME parts`);
        inHeaders = true;
        depth = open.depth + 1;
        blockStart = lineStart;
      }
      break;
    }
  }
  if (inHeaders && topLevel && raw.length > limits.maxHeaderBytes) {
    throw new MalformedMailError(`header block larger than ${limits.maxHeaderBytes} bytes`);
  }
  if (stack.length > 0) problems.push('missing closing MIME boundary (body read to the end)');
  return { raw, problems };
}

function delimiterKind(line: Buffer, delimiter: Buffer): 'part' | 'close' | null {
  if (line.length < delimiter.length || line.compare(delimiter, 0, delimiter.length, 0, delimiter.length) !== 0) {
    return null;
  }
  let rest = delimiter.length;
  let kind: 'part' | 'close' = 'part';
  if (line[rest] === 0x2d && line[rest + 1] === 0x2d) {
    kind = 'close';
    rest += 2;
  }
  // Only whitespace may follow a delimiter; anything else means a longer, different boundary.
  for (; rest < line.length; rest++) {
    const c = line[rest];
    if (c !== 0x20 && c !== 0x09) return null;
  }
  return kind;
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

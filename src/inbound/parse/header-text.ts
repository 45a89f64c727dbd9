/**
 * Header values for the `headers` map: unfolded, 8-bit bytes read as UTF-8 (latin1 when they
 * are not valid UTF-8), and RFC 2047 encoded words decoded. Broken encoded words stay as they
 * are (RELIABILITY M10); the patterns have no nested quantifiers, so they run in linear time.
 */
import { decodeText } from './codepage.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const ENCODED_WORD = /=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /^[ \t]+$/;

/** Reads a raw header line ("Name: value", folding included) given as a binary string. */
export function headerValue(line: string): string {
  const colon = line.indexOf(':');
  const value = line.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
  return decodeWords(bytesToText(Buffer.from(value, 'latin1')));
}

export function bytesToText(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let previousEnd = -1;
  for (const match of value.matchAll(ENCODED_WORD)) {
    const start = match.index;
    const between = value.slice(last, start);
    // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
    if (!(previousEnd === last && BETWEEN_WORDS.test(between))) out += between;
    out += decodeWord(match[1]!, match[2]!, match[3]!) ?? match[0];
    last = start + match[0].length;
    previousEnd = last;
  }
  return out + value.slice(last);
}

function decodeWord(charset: string, encoding: string, text: string): string | null {
  const name = charset.split('*')[0] ?? charset; // RFC 2231 language suffix
  let bytes: Buffer;
  if (encoding === 'b' || encoding === 'B') {
    bytes = Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  } else {
    const qp = text.replace(/_/g, ' ');
    const out: number[] = [];
    for (let i = 0; i < qp.length; i++) {
      const hex = qp[i] === '=' ? qp.slice(i + 1, i + 3) : '';
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
      } else out.push(qp.charCodeAt(i) & 0xff);
    }
    bytes = Buffer.from(out);
  }
  return decodeText(bytes, name);
}

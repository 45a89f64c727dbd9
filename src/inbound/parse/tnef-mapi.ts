/**
 * The MAPI property lists inside TNEF (attMsgProps, attAttachment), MS-OXTNEF 2.1.3.4. Every
 * count and length comes from the sender, so each read is checked against the bytes left and
 * a damaged list ends the read instead of throwing or allocating what it claims.
 */
import { decodeText } from './codepage.js';

export interface MapiProperty {
  id: number;
  /** The property type without the multi-value flag (0x001f unicode string, 0x0102 binary…). */
  type: number;
  /** Strings decoded, binaries as views into the input, numbers for 16/32-bit integers. */
  value: string | Buffer | number | null;
}

const MULTI_VALUE = 0x1000;
const PT_SHORT = 0x0002;
const PT_LONG = 0x0003;
const PT_BOOLEAN = 0x000b;
const PT_OBJECT = 0x000d;
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;

function fixedSize(type: number): number {
  switch (type) {
    case PT_SHORT:
    case PT_BOOLEAN:
    case PT_LONG:
    case 0x0004: // float
    case 0x000a: // error
      return 4; // values are padded to 4 bytes
    case 0x0005: // double
    case 0x0006: // currency
    case 0x0007: // apptime
    case 0x0014: // int64
    case 0x0040: // systime
      return 8;
    case 0x0048: // clsid
      return 16;
    case 0x0000:
    case 0x0001:
      return 0;
    default:
      return -1; // variable length
  }
}

export function readMapiProperties(
  data: Buffer,
  charset: string,
): { properties: MapiProperty[]; complete: boolean } {
  const properties: MapiProperty[] = [];
  if (data.length < 4) return { properties, complete: false };
  const count = data.readUInt32LE(0);
  let pos = 4;
  const need = (n: number): boolean => n >= 0 && pos + n <= data.length;

  for (let i = 0; i < count; i++) {
    if (!need(4)) return { properties, complete: false };
    const rawType = data.readUInt16LE(pos);
    const id = data.readUInt16LE(pos + 2);
    pos += 4;
    const type = rawType & ~MULTI_VALUE;
    if (id >= 0x8000) {
      // Named property: GUID, kind, then a numeric id or a length-prefixed UTF-16 name.
      if (!need(20)) return { properties, complete: false };
      const kind = data.readUInt32LE(pos + 16);
      pos += 20;
      if (kind === 0) pos += 4;
      else {
        if (!need(4)) return { properties, complete: false };
        const nameLength = data.readUInt32LE(pos);
        pos += 4 + nameLength + ((4 - (nameLength % 4)) % 4);
      }
    }
    const size = fixedSize(type);
    // Variable-length values, and every multi-value property, carry a value count first.
    let values = 1;
    if (size < 0 || (rawType & MULTI_VALUE) !== 0) {
      if (!need(4)) return { properties, complete: false };
      values = data.readUInt32LE(pos);
      pos += 4;
    }
    // A claimed count that the remaining bytes cannot hold is damage, not a reason to loop.
    const minimum = size < 0 ? 4 : size;
    if (minimum === 0 ? values > 1 : values * minimum > data.length - pos) {
      return { properties, complete: false };
    }
    let first: MapiProperty['value'] = null;
    for (let v = 0; v < values; v++) {
      let length = size;
      if (size < 0) {
        if (!need(4)) return { properties, complete: false };
        length = data.readUInt32LE(pos);
        pos += 4;
      }
      if (!need(length)) return { properties, complete: false };
      if (v === 0) first = readValue(type, data.subarray(pos, pos + length), charset);
      pos += length + ((4 - (length % 4)) % 4);
    }
    properties.push({ id, type, value: first });
  }
  return { properties, complete: true };
}

function readValue(type: number, bytes: Buffer, charset: string): MapiProperty['value'] {
  switch (type) {
    case PT_SHORT:
    case PT_BOOLEAN:
      return bytes.length >= 2 ? bytes.readUInt16LE(0) : null;
    case PT_LONG:
      return bytes.length >= 4 ? bytes.readUInt32LE(0) : null;
    case PT_UNICODE:
      return stripNul(bytes.toString('utf16le'));
    case PT_STRING8:
      return stripNul(decodeText(bytes, charset));
    case PT_BINARY:
    case PT_OBJECT:
      return bytes;
    default:
      return null;
  }
}

function stripNul(value: string): string {
  const nul = value.indexOf('\0');
  return nul >= 0 ? value.slice(0, nul) : value;
}

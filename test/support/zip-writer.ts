import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Writes small ZIPs in memory, including deliberately broken ones (lying sizes, traversal names,
 * records that share data), so that the archive checks can be tested against archives built on
 * the spot instead of binary fixtures. Supportal never sends ZIPs; nothing in the mail path uses
 * this.
 */

export interface ZipWriterEntry {
  /** Stored as given (UTF-8, flag bit 11); no validation, so hostile names are possible. */
  name: string;
  data: Buffer;
  /** Deflate (method 8) instead of storing (method 0). */
  deflate?: boolean;
  /** Extra general-purpose flag bits, e.g. 0x1 to mark the entry as encrypted. */
  flags?: number;
  /** Declare this uncompressed size instead of the real one (a lying header). */
  declaredSize?: number;
  /** Raw extra field for the central record (e.g. an Info-ZIP Unicode path, id 0x7075). */
  centralExtra?: Buffer;
}

/** A central directory record that points at the local header of an earlier entry. */
export interface AliasRecord {
  name: string;
  /** Index into the entries array whose data this record reuses. */
  of: number;
  /** Shift the local header offset by this many bytes (default 0: the very same header). */
  offsetShift?: number;
}

const UTF8_NAMES = 0x800;
const DOS_DATE_1980_01_01 = 0x21;

interface Written {
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  extra: Buffer;
}

export function buildZip(entries: readonly ZipWriterEntry[], aliases: readonly AliasRecord[] = []): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const e of entries) {
    const nameBytes = Buffer.from(e.name, 'utf8');
    const body = e.deflate === true ? deflateRawSync(e.data) : e.data;
    const w: Written = {
      nameBytes,
      flags: UTF8_NAMES | (e.flags ?? 0),
      method: e.deflate === true ? 8 : 0,
      crc: crc32(e.data),
      compressedSize: body.length,
      size: e.declaredSize ?? e.data.length,
      offset,
      extra: e.centralExtra ?? Buffer.alloc(0),
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(w.flags, 6);
    local.writeUInt16LE(w.method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(w.crc, 14);
    local.writeUInt32LE(w.compressedSize, 18);
    local.writeUInt32LE(w.size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, nameBytes, body);
    offset += local.length + nameBytes.length + body.length;
    written.push(w);
  }

  const records: Written[] = [...written];
  for (const a of aliases) {
    const target = written[a.of];
    if (target === undefined) throw new Error(`alias points at missing entry ${a.of}`);
    records.push({ ...target, nameBytes: Buffer.from(a.name, 'utf8'), offset: target.offset + (a.offsetShift ?? 0), extra: Buffer.alloc(0) });
  }

  const centralStart = offset;
  for (const r of records) {
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(r.flags, 8);
    central.writeUInt16LE(r.method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(r.crc, 16);
    central.writeUInt32LE(r.compressedSize, 20);
    central.writeUInt32LE(r.size, 24);
    central.writeUInt16LE(r.nameBytes.length, 28);
    central.writeUInt16LE(r.extra.length, 30);
    central.writeUInt32LE(r.offset, 42);
    parts.push(central, r.nameBytes, r.extra);
    offset += central.length + r.nameBytes.length + r.extra.length;
  }

  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(offset - centralStart, 12);
  end.writeUInt32LE(centralStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

/** An Info-ZIP Unicode Path extra field (0x7075) that replaces `headerName` with `unicodeName`. */
export function unicodePathExtra(headerName: string, unicodeName: string): Buffer {
  const name = Buffer.from(unicodeName, 'utf8');
  const field = Buffer.alloc(4 + 5 + name.length);
  field.writeUInt16LE(0x7075, 0);
  field.writeUInt16LE(5 + name.length, 2);
  field.writeUInt8(1, 4);
  field.writeUInt32LE(crc32(Buffer.from(headerName, 'utf8')), 5);
  name.copy(field, 9);
  return field;
}

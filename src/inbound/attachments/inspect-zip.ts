import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { ZipEntryInfo, ZipLimits, ZipProblem, ZipReport } from '../../domain/attachment-policy.js';
import { safeDisplayName } from '../../domain/safe-name.js';

/**
 * Lists and fully reads a ZIP in memory to decide whether it may be kept (RELIABILITY 8, A4–A6).
 * Nothing is ever written to disk. Every entry's data is read to its end, because the sizes in a
 * ZIP's headers are claims: yauzl (validateEntrySizes) fails a stream whose real length differs
 * from the declared one, so the size and ratio caps below hold for the real bytes, and the
 * overlapping-entry bomb (many directory records pointing into one deflate stream) is caught by
 * its impossible layout before any inflating. The result is a report, never an exception: a
 * broken archive is a finding about the mail, not a failure of the pipeline.
 */

/** file-type reads at most this many leading bytes; the same prefix is enough to spot an archive. */
const HEAD_BYTES = 4100;
/** A local file header is 30 bytes before its name; used to bound where entries may start. */
const LOCAL_HEADER_MIN = 30;

/**
 * General-purpose archive and compression formats, by the MIME names file-type reports. Office
 * documents are ZIPs too but are documents, which the virus scanner opens itself; counting them
 * as nested archives would refuse every DOCX sent inside a ZIP.
 */
const ARCHIVE_TYPES: ReadonlySet<string> = new Set([
  'application/zip',
  'application/java-archive',
  'application/vnd.android.package-archive',
  'application/x-xpinstall',
  'application/x-google-chrome-extension',
  'application/x-rar-compressed',
  'application/x-7z-compressed',
  'application/gzip',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
  'application/x-lz4',
  'application/x-lzip',
  'application/x-lzh-compressed',
  'application/x-compress',
  'application/x-tar',
  'application/x-cpio',
  'application/x-unix-archive',
  'application/x-deb',
  'application/x-rpm',
  'application/vnd.ms-cab-compressed',
  'application/x-arj',
  'application/x-ace-compressed',
  'application/x-apple-diskimage',
  'application/x-asar',
]);

const ARCHIVE_NAME = /\.(zip|zipx|rar|7z|gz|tgz|tar|bz2|tbz2?|xz|txz|zst|lz|lz4|lzh|lha|cab|arj|ace|cpio|jar|apk|iso|dmg|z)$/i;

export function isArchiveType(mime: string | null): boolean {
  return mime !== null && ARCHIVE_TYPES.has(mime);
}

class ZipRejected extends Error {
  constructor(
    readonly problem: ZipProblem,
    readonly detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

export async function inspectZip(buf: Buffer, limits: ZipLimits): Promise<ZipReport> {
  let zipfile: ZipFile | undefined;
  try {
    zipfile = await openZip(buf);
    return await walk(zipfile, buf.length, limits);
  } catch (err) {
    if (err instanceof ZipRejected) return { ok: false, problem: err.problem, detail: err.detail };
    const message = err instanceof Error ? err.message : String(err);
    // yauzl refuses "strong encryption" (bit 6) before it yields the entry.
    const problem: ZipProblem = /encrypt/i.test(message) ? 'encrypted' : 'corrupt';
    return { ok: false, problem, detail: message.slice(0, 300) };
  } finally {
    zipfile?.close();
  }
}

function openZip(buf: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings:false so that every name goes through our own checks below (both the header
    // name and an Info-ZIP Unicode path, which could disagree); lazyEntries keeps one entry in
    // flight at a time.
    yauzl.fromBuffer(buf, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zf) => {
      if (err !== null) reject(err);
      else resolve(zf);
    });
  });
}

async function walk(zipfile: ZipFile, archiveBytes: number, limits: ZipLimits): Promise<ZipReport> {
  if (zipfile.entryCount > limits.maxEntries) {
    throw new ZipRejected('too_many_entries', `${zipfile.entryCount} entries, at most ${limits.maxEntries}`);
  }
  const entries: ZipEntryInfo[] = [];
  const headerOffsets = new Set<number>();
  let encrypted = false;
  let declaredTotal = 0;
  let compressedTotal = 0;
  let realTotal = 0;

  for (;;) {
    const entry = await nextEntry(zipfile);
    if (entry === null) break;
    if (entries.length >= limits.maxEntries) {
      throw new ZipRejected('too_many_entries', `more than ${limits.maxEntries} entries`);
    }
    const name = checkName(entry);

    // Each entry owns its own local header and data; a second record pointing at the same
    // header, or data that adds up to more than the file, can only be an overlap bomb.
    if (headerOffsets.has(entry.relativeOffsetOfLocalHeader)) {
      throw new ZipRejected('overlapping_entries', `${name} reuses the data of an earlier entry`);
    }
    headerOffsets.add(entry.relativeOffsetOfLocalHeader);
    compressedTotal += entry.compressedSize + LOCAL_HEADER_MIN;
    if (compressedTotal > archiveBytes) {
      throw new ZipRejected('overlapping_entries', 'entries claim more data than the archive holds');
    }

    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes) {
      throw new ZipRejected('too_large', `more than ${limits.maxUncompressedBytes} bytes uncompressed`);
    }
    if (declaredTotal > limits.maxRatio * archiveBytes) {
      throw new ZipRejected('ratio', `expands more than ${limits.maxRatio}:1`);
    }
    if (ARCHIVE_NAME.test(name)) throw new ZipRejected('nested_archive', name);

    const isEncrypted = entry.isEncrypted();
    if (isEncrypted) encrypted = true;
    else if (!entry.canDecodeFileData()) {
      throw new ZipRejected('unsupported_compression', `${name} uses compression method ${entry.compressionMethod}`);
    }

    // Encrypted data cannot be decoded; it is still read raw so that its bounds are checked.
    const stream = await openEntry(zipfile, entry, !isEncrypted);
    const cap = limits.maxUncompressedBytes - realTotal;
    const { bytes, head } = await drain(stream, cap, name);
    realTotal += bytes;
    if (!isEncrypted && head.length > 0) {
      const type = await fileTypeFromBuffer(head);
      if (isArchiveType(type?.mime ?? null)) throw new ZipRejected('nested_archive', `${name} is ${type?.mime}`);
    }
    entries.push({ name, size: entry.uncompressedSize, compressedSize: entry.compressedSize });
  }
  return { ok: true, entries, encrypted };
}

function nextEntry(zipfile: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zipfile.off('entry', onEntry);
      zipfile.off('end', onEnd);
      zipfile.off('error', onError);
    };
    const onEntry = (e: Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    zipfile.on('entry', onEntry);
    zipfile.on('end', onEnd);
    zipfile.on('error', onError);
    zipfile.readEntry();
  });
}

/**
 * Checks both names an entry can carry (the header name, and an Info-ZIP Unicode path that
 * yauzl would prefer) because extractors differ in which one they use. A backslash is refused
 * outright: the format forbids it, and Windows extractors treat `..\..\x` as a path.
 */
function checkName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  const plain = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, [], true);
  const preferred = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  const display = safeDisplayName(preferred, { keepSlashes: true });
  for (const candidate of [plain, preferred]) {
    if (candidate.includes('\\')) throw new ZipRejected('backslash_in_name', display);
    if (candidate.startsWith('/') || /^[a-zA-Z]:/.test(candidate)) throw new ZipRejected('absolute_path', display);
    if (candidate.split('/').includes('..')) throw new ZipRejected('path_traversal', display);
  }
  return display;
}

/**
 * Options are passed only for raw reads: yauzl 3.4.0 computes `decompress` as
 * `decodeFileData !== true`, so an explicit `{ decodeFileData: true }` hands back the deflated
 * bytes unchecked. With no options it inflates and validates the size, as documented.
 */
function openEntry(zipfile: ZipFile, entry: Entry, decode: boolean): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, stream: Readable) => {
      if (err !== null) reject(err);
      else resolve(stream);
    };
    if (decode) zipfile.openReadStream(entry, done);
    else zipfile.openReadStream(entry, { decodeFileData: false }, done);
  });
}

/** Reads a stream to its end, keeping only the first bytes, and stops past the byte budget. */
async function drain(stream: Readable, cap: number, name: string): Promise<{ bytes: number; head: Buffer }> {
  const headParts: Buffer[] = [];
  let headLength = 0;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > cap) throw new ZipRejected('too_large', `${name} goes past the uncompressed limit`);
    if (headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headLength);
      headParts.push(part);
      headLength += part.length;
    }
  }
  return { bytes, head: Buffer.concat(headParts) };
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { ArchiveWriter } from '../app/privacy/ports.js';

/**
 * The ArchiveWriter port over yazl (the writing sibling of yauzl, which reads ZIPs in the
 * inbound pipeline). Streamed entries are opened one at a time when yazl reaches them, so an
 * export with many big mails never holds more than one mail's chunk in memory. A stream that
 * turns out to have no bytes (deleted meanwhile) becomes an empty file rather than failing the
 * whole export. Fixed mtime: the same data gives the same archive bytes.
 */
export const zipArchiveWriter: ArchiveWriter = {
  async writeZip(entries, out) {
    const zip = new yazl.ZipFile();
    const mtime = new Date('2000-01-01T00:00:00Z');
    for (const e of entries) {
      if (Buffer.isBuffer(e.content)) {
        zip.addBuffer(e.content, e.name, { mtime });
        continue;
      }
      const open = e.content;
      zip.addReadStreamLazy(e.name, { mtime }, (cb) => {
        open().then(
          (s) => cb(null, s ?? Readable.from([])),
          (err: unknown) => cb(err, Readable.from([])),
        );
      });
    }
    zip.end();
    await pipeline(zip.outputStream as Readable, out);
  },
};

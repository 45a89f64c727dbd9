import { PassThrough } from 'node:stream';
import type { ZipMaker } from '../app/outbox-viewer/ports.js';
import { zipArchiveWriter } from './zip-writer.js';

/** A small ZIP in memory (the demo's "two archives" reply), written by the same yazl adapter as the exports. */
export const zipMaker: ZipMaker = {
  async zip(entries) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await zipArchiveWriter.writeZip(entries, out);
    return Buffer.concat(chunks);
  },
};

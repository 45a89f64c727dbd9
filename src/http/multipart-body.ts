import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { AppError } from '../app/errors.js';
import type { UploadedFile } from '../app/portal/ports.js';

/** Files per request: a support case needs a few screenshots and a log archive, not a folder. */
export const MAX_FILES_PER_REQUEST = 20;
/** Text fields of a multipart request (payload or single fields); a reply text is at most 200 000 characters. */
export const MAX_FIELD_BYTES = 1024 * 1024;

/**
 * The body of a route that takes files: JSON as usual, or `multipart/form-data` with the JSON in
 * a `payload` field (or the same keys as plain text fields) and the files as `files`. The files
 * are read into memory within the size limit — a file over it stops the upload with 413
 * `too_large` as soon as the limit is crossed, not after storing it.
 */
export async function readBodyWithFiles(req: FastifyRequest, maxBytes: number): Promise<{ body: Record<string, unknown>; files: UploadedFile[] }> {
  if (!req.isMultipart()) return { body: (req.body ?? {}) as Record<string, unknown>, files: [] };
  const fields: Record<string, unknown> = {};
  let payload: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  let total = 0;
  for await (const part of req.parts({ limits: { fileSize: maxBytes, files: MAX_FILES_PER_REQUEST, fieldSize: MAX_FIELD_BYTES, fields: 20 } })) {
    if (part.type === 'file') {
      if (part.fieldname !== 'files') throw new AppError('invalid_input', { de: `files: unerwartetes Dateifeld „${part.fieldname.slice(0, 50)}“`, en: `files: unexpected file field "${part.fieldname.slice(0, 50)}"` }, { field: 'files' });
      let content: Buffer;
      try {
        content = await part.toBuffer();
      } catch (e) {
        // The plugin stops a file at the limit; say which limit, like the total check below.
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('too_large', { de: `Eine Datei überschreitet die Grenze von ${maxBytes} Bytes.`, en: `A file exceeds the limit of ${maxBytes} bytes.` }, { limitBytes: maxBytes });
        throw e;
      }
      total += content.length;
      if (total > maxBytes) throw new AppError('too_large', { de: `Die Dateien überschreiten die Grenze von ${maxBytes} Bytes.`, en: `The files exceed the limit of ${maxBytes} bytes.` }, { limitBytes: maxBytes });
      // An empty file input sends a part without name and bytes: nothing was chosen.
      if (content.length === 0 && !part.filename) continue;
      files.push({ filename: part.filename, content, contentType: part.mimetype });
      continue;
    }
    if (part.valueTruncated) throw new AppError('too_large', { de: `Das Feld ${part.fieldname.slice(0, 50)} ist zu lang.`, en: `The field ${part.fieldname.slice(0, 50)} is too long.` });
    if (part.fieldname === 'payload') {
      const v = part.value;
      let parsed: unknown = v;
      if (typeof v === 'string') {
        try {
          parsed = JSON.parse(v);
        } catch {
          throw new AppError('invalid_input', { de: 'payload: kein gültiges JSON', en: 'payload: not valid JSON' }, { field: 'payload' });
        }
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppError('invalid_input', { de: 'payload: muss ein JSON-Objekt sein', en: 'payload: must be a JSON object' }, { field: 'payload' });
      payload = parsed as Record<string, unknown>;
    } else if (!(part.fieldname in Object.prototype)) {
      fields[part.fieldname] = part.value;
    }
  }
  return { body: { ...fields, ...payload }, files };
}

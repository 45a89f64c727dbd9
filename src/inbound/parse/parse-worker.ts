/**
 * The worker-thread side of parseMailInWorker: parses one mail per message and answers with
 * the ParsedMail (structured clone keeps the Map and Dates; Buffers arrive as Uint8Array).
 */
import { parentPort } from 'node:worker_threads';
import type { ParsedMail } from '../../domain/parsed-mail.js';
import { parseMail } from './mime-parser.js';
import type { ParseLimits } from './parse-limits.js';

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  limits: Partial<ParseLimits>;
}

export type ParseResponse =
  | { id: number; ok: true; mail: ParsedMail }
  | { id: number; ok: false; error: { name: string; code: string | null; message: string; detail: string | null } };

const port = parentPort;
if (port) {
  port.on('message', (request: ParseRequest) => {
    const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
    parseMail(raw, request.limits).then(
      (mail) => {
        // An attachment that owns its whole ArrayBuffer is moved; a view into a shared pool
        // (small Buffers) is copied by the structured clone instead, as moving it would
        // detach its neighbours.
        const transfer = mail.attachments
          .map((a) => a.content)
          .filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer)
          .map((b) => b.buffer as ArrayBuffer);
        port.postMessage({ id: request.id, ok: true, mail } satisfies ParseResponse, [...new Set(transfer)]);
      },
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        const code = 'code' in e && typeof e.code === 'string' ? e.code : null;
        const detail = 'detail' in e && typeof e.detail === 'string' ? e.detail : null;
        port.postMessage({ id: request.id, ok: false, error: { name: e.name, code, message: e.message, detail } } satisfies ParseResponse);
      },
    );
  });
}

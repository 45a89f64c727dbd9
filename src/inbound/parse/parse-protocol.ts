/**
 * The messages between the parse worker pool (parse-worker-pool.ts) and its workers
 * (parse-worker.ts), in a module of their own so that neither side imports the other.
 *
 * Protocol, one mail at a time per worker:
 *   worker → pool  ready                     its modules are loaded: the pool gives it jobs from now on
 *   pool → worker  start {id, size, limits, whole?}   a small mail comes whole: no pulls at all
 *   worker → pool  pull {id}                 the previous chunk is consumed, send the next
 *   pool → worker  chunk {id, bytes} | end {id} | abort {id, message}   (one per pull)
 *   worker → pool  done {id, ok, mail | error}
 * A pull is sent only when the pre-scan has seen the previous chunk and mailparser has taken
 * it without waiting for 'drain', so neither side ever holds more than a chunk or two of the
 * mail. After a cut the worker stops pulling and answers. `abort` (the pool could not read the
 * mail) makes the parse fail so that the worker is free again.
 */
import type { ParsedMail } from '../../domain/parsed-mail.js';
import type { ParseLimits } from './parse-limits.js';

export type ToWorker =
  | { type: 'start'; id: number; size: number; limits: Partial<ParseLimits>; whole?: Uint8Array }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'abort'; id: number; message: string };

export type ParseResponse =
  | { id: number; ok: true; mail: ParsedMail }
  | { id: number; ok: false; error: { name: string; code: string | null; message: string; detail: string | null } };

export type FromWorker = { type: 'ready' } | { type: 'pull'; id: number } | ({ type: 'done' } & ParseResponse);

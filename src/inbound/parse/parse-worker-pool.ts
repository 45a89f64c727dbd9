/**
 * Parsing in worker threads, so that a hostile mail can neither block the event loop nor run
 * for longer than its CPU budget (RELIABILITY §6, M2, M3): a worker over budget is terminated
 * and replaced. Workers are kept and reused, one mail at a time each, because starting one
 * costs tens of milliseconds while a small mail parses in well under one.
 *
 * Usage:
 *   const mail = await parseMailInWorker(raw);          // shared default pool
 *   const pool = new ParseWorkerPool({ size: 2 }); await pool.parse(raw); await pool.close();
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParsedAttachment, ParsedMail } from '../../domain/parsed-mail.js';
import { MailLoopError, MalformedMailError } from './parse-errors.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
import type { ParseRequest, ParseResponse } from './parse-worker.js';

export interface ParseOptions {
  /**
   * Move the bytes to the worker instead of copying them. The caller's Buffer is unusable
   * afterwards; only honoured when the Buffer owns its whole ArrayBuffer.
   */
  transfer?: boolean;
}

interface Job {
  id: number;
  raw: Buffer;
  limits: Partial<ParseLimits>;
  transfer: boolean;
  resolve: (mail: ParsedMail) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  startedActive: number;
  startedAt: number;
}

// Compiled, the worker is parse-worker.js beside this file. Run from .ts sources (tsx), a worker
// does not get the loader from `--import tsx` in time on Node 20 ("Unknown file extension
// .ts"), so a one-line bootstrap registers tsx's loader first and then imports the worker.
const selfUrl = import.meta.url;
const fromSource = selfUrl.endsWith('.ts');
const workerUrl = new URL(fromSource ? './parse-worker.ts' : './parse-worker.js', selfUrl);

function startWorker(): Worker {
  if (!fromSource) return new Worker(workerUrl);
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}

export class ParseWorkerPool {
  private readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: { size?: number } = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
  }

  parse(raw: Buffer, limits: Partial<ParseLimits> = {}, options: ParseOptions = {}): Promise<ParsedMail> {
    if (this.closed) return Promise.reject(new Error('parse worker pool is closed'));
    return new Promise<ParsedMail>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, raw, limits, transfer: options.transfer === true, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('parse worker pool closed'));
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, new Error('parse worker pool closed'))));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.run(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    // An idle pool must not keep the process alive; a running job holds its timer instead.
    worker.unref();
    const slot: Slot = { worker, job: null, timer: null, startedActive: 0, startedAt: 0 };
    worker.on('message', (response: ParseResponse) => this.finish(slot, response));
    worker.on('error', (err) => void this.retire(slot, new Error(`parse worker crashed: ${err.message}`)));
    worker.on('exit', () => void this.retire(slot, new Error('parse worker exited')));
    this.slots.push(slot);
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    const { raw } = job;
    const movable = job.transfer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
    const request: ParseRequest = { id: job.id, raw, limits: job.limits };
    slot.worker.postMessage(request, movable ? [raw.buffer as ArrayBuffer] : []);
    slot.startedActive = slot.worker.performance.eventLoopUtilization().active;
    slot.startedAt = performance.now();
    this.arm(slot, job.limits.cpuBudgetMs ?? DEFAULT_PARSE_LIMITS.cpuBudgetMs);
  }

  /**
   * The budget is counted in the worker's event-loop active time (time spent running parse
   * code, measured 510 ms after 500 ms of a synchronous loop, so a long synchronous call is
   * seen while it runs), not in the time the job waited for the worker to start. The wall clock
   * is the backstop: at twice the budget the worker is terminated regardless.
   */
  private arm(slot: Slot, delayMs: number): void {
    const job = slot.job;
    slot.timer = setTimeout(() => {
      if (slot.job !== job || !job) return;
      const budget = job.limits.cpuBudgetMs ?? DEFAULT_PARSE_LIMITS.cpuBudgetMs;
      const used = slot.worker.performance.eventLoopUtilization().active - slot.startedActive;
      const elapsed = performance.now() - slot.startedAt;
      if (used < budget && elapsed < budget * 2) {
        this.arm(slot, Math.max(10, Math.min(budget - used, budget * 2 - elapsed)));
        return;
      }
      slot.job = null;
      job.reject(new MalformedMailError(`parsing took more than ${budget} ms`));
      void this.retire(slot, null);
    }, delayMs);
  }

  private finish(slot: Slot, response: ParseResponse): void {
    const job = slot.job;
    if (!job || job.id !== response.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    if (response.ok) job.resolve(revive(response.mail));
    else job.reject(reviveError(response.error));
    this.dispatch();
  }

  private async retire(slot: Slot, reason: Error | null): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    if (job && reason) job.reject(reason);
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

/** Buffers cross the thread boundary as plain Uint8Arrays; give them their Buffer methods back. */
function revive(mail: ParsedMail): ParsedMail {
  const attachments = mail.attachments.map(
    (a): ParsedAttachment => ({ ...a, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) }),
  );
  return { ...mail, attachments };
}

function reviveError(error: Extract<ParseResponse, { ok: false }>['error']): Error {
  if (error.code === 'malformed') return new MalformedMailError(error.detail ?? error.message);
  if (error.code === 'loop') return new MailLoopError(Number(/\d+/.exec(error.message)?.[0] ?? 0));
  const err = new Error(error.message);
  err.name = error.name;
  return err;
}

let defaultPool: ParseWorkerPool | null = null;

/** parseMail in the shared worker pool, with the CPU budget enforced by terminating the worker. */
export function parseMailInWorker(raw: Buffer, limits: Partial<ParseLimits> = {}, options: ParseOptions = {}): Promise<ParsedMail> {
  defaultPool ??= new ParseWorkerPool();
  return defaultPool.parse(raw, limits, options);
}

/** Stops the shared pool's workers (at shutdown, and at the end of tests). */
export async function closeParseWorkers(): Promise<void> {
  const pool = defaultPool;
  defaultPool = null;
  await pool?.close();
}

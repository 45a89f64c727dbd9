/**
 * Parsing in worker threads, so that a hostile mail can neither block the event loop nor run
 * for longer than its CPU budget (RELIABILITY §6, M2, M3): a worker over budget is terminated
 * and replaced. Workers are kept and reused, one mail at a time each, because starting one
 * costs tens of milliseconds while a small mail parses in well under one. The mail is handed
 * over a chunk at a time, each when the worker asks for it (protocol in parse-protocol.ts).
 *
 * Usage:
 *   const mail = await parseMailInWorker(raw);          // Buffer or RawMail; shared default pool
 *   const pool = new ParseWorkerPool({ size: 2 }); await pool.parse(raw); await pool.close();
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParsedAttachment, ParsedMail } from '../../domain/parsed-mail.js';
import { RAW_CHUNK_BYTES, rawMailFromBuffer, type RawMail } from '../../domain/raw-mail.js';
import { MailLoopError, MalformedMailError, ParseBudgetError } from './parse-errors.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
import type { FromWorker, ParseResponse, ToWorker } from './parse-protocol.js';
import { movable } from './attachment-content.js';

export interface ParseOptions {
  /**
   * Move chunks to the worker instead of copying them: a chunk that owns its whole ArrayBuffer
   * is unusable afterwards. A Buffer of up to 1 MiB that owns its ArrayBuffer is one such
   * chunk; the chunks of a larger Buffer are views into it and are copied.
   */
  transfer?: boolean;
}

interface Job {
  id: number;
  raw: RawMail;
  limits: Partial<ParseLimits>;
  transfer: boolean;
  resolve: (mail: ParsedMail) => void;
  reject: (err: Error) => void;
  /** The promise is settled; the worker may still be winding the job down. */
  settled: boolean;
  chunks: AsyncIterator<Buffer> | null;
}

interface Slot {
  worker: Worker;
  /**
   * The worker has loaded its modules and said so. A job is given only to a ready worker, so the
   * budget never counts the start: loading the parser took 1.8–2.1 s through tsx on a busy
   * machine, which alone ran ordinary replies over the 2 × 2 s wall-clock backstop.
   */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  startedActive: number;
  startedAt: number;
  /** Time spent waiting for the source's chunks, which is not the worker's doing. */
  sourceWaitMs: number;
  sourceWaitSince: number | null;
}

// Compiled, the worker is parse-worker.js beside this file. Run from .ts sources (tsx), a worker
// does not get the loader from `--import tsx` in time on Node 20 ("Unknown file extension
// .ts"), so a one-line bootstrap registers tsx's loader first and then imports the worker.
// A mail up to this size is sent to the worker whole, with its start message.
const WHOLE_BYTES = RAW_CHUNK_BYTES;

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

  parse(raw: Buffer | RawMail, limits: Partial<ParseLimits> = {}, options: ParseOptions = {}): Promise<ParsedMail> {
    if (this.closed) return Promise.reject(new Error('parse worker pool is closed'));
    const source = Buffer.isBuffer(raw) ? rawMailFromBuffer(raw) : raw;
    return new Promise<ParsedMail>((resolve, reject) => {
      const transfer = options.transfer === true;
      this.queue.push({ id: this.nextId++, raw: source, limits, transfer, resolve, reject, settled: false, chunks: null });
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
      const slot = this.slots.find((s) => s.ready && s.job === null);
      if (!slot) {
        // A starting worker takes the next job when it is ready; start more only for a longer queue.
        const starting = this.slots.filter((s) => !s.ready).length;
        if (starting < this.queue.length && this.slots.length < this.size) this.spawn();
        return;
      }
      this.run(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    // An idle pool must not keep the process alive; a running job holds its timer instead.
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null, startedActive: 0, startedAt: 0, sourceWaitMs: 0, sourceWaitSince: null };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true;
        this.dispatch();
      } else if (message.type === 'pull') void this.feed(slot, message.id);
      else this.finish(slot, message);
    });
    worker.on('error', (err) => void this.retire(slot, new Error(`parse worker crashed: ${err.message}`)));
    worker.on('exit', () => void this.retire(slot, new Error('parse worker exited')));
    this.slots.push(slot);
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    if (job.raw.size <= WHOLE_BYTES) void this.startWhole(slot, job);
    else this.start(slot, job);
  }

  /**
   * Almost every mail is small: read it at once and send it with the start, so that it costs
   * one message each way, not four round trips to a main thread busy with the database.
   */
  private async startWhole(slot: Slot, job: Job): Promise<void> {
    let whole: Buffer;
    let move: boolean;
    try {
      const pieces: Buffer[] = [];
      for await (const chunk of job.raw.chunks()) pieces.push(chunk);
      // One piece is the caller's own Buffer: moved only when the caller allows it. Joined
      // pieces are a new Buffer of ours alone.
      whole = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
      move = pieces.length === 1 ? job.transfer && movable(whole) : movable(whole);
      if (whole.length !== job.raw.size) throw new Error(`raw mail is ${whole.length} bytes, expected ${job.raw.size}`);
    } catch (err) {
      if (slot.job !== job) return;
      slot.job = null;
      this.settle(job, err instanceof Error ? err : new Error(String(err)));
      this.dispatch();
      return;
    }
    if (slot.job !== job) return;
    this.start(slot, job, { whole, move });
  }

  private start(slot: Slot, job: Job, small?: { whole: Buffer; move: boolean }): void {
    if (small) {
      const bytes = small.move ? small.whole : new Uint8Array(small.whole);
      this.send(slot, { type: 'start', id: job.id, size: job.raw.size, limits: job.limits, whole: bytes }, [bytes.buffer as ArrayBuffer]);
    } else {
      this.send(slot, { type: 'start', id: job.id, size: job.raw.size, limits: job.limits });
    }
    slot.startedActive = slot.worker.performance.eventLoopUtilization().active;
    slot.startedAt = performance.now();
    slot.sourceWaitMs = 0;
    slot.sourceWaitSince = null;
    this.arm(slot, job.limits.cpuBudgetMs ?? DEFAULT_PARSE_LIMITS.cpuBudgetMs);
  }

  /** Reads the next chunk of the job's mail, only now that the worker has consumed the last. */
  private async feed(slot: Slot, id: number): Promise<void> {
    const job = slot.job;
    if (!job || job.id !== id || job.settled) return;
    slot.sourceWaitSince = performance.now();
    let next: IteratorResult<Buffer>;
    try {
      job.chunks ??= job.raw.chunks()[Symbol.asyncIterator]();
      next = await job.chunks.next();
    } catch (err) {
      if (slot.job !== job) return;
      this.stopWaiting(slot);
      // The source failed (the database, say), not the mail: reject with its own error, and
      // let the worker unwind the parse so that it is free for the next mail.
      this.settle(job, err instanceof Error ? err : new Error(String(err)));
      this.send(slot, { type: 'abort', id, message: 'the raw mail could not be read' });
      return;
    }
    if (slot.job !== job || job.settled) return;
    this.stopWaiting(slot);
    if (next.done) {
      this.send(slot, { type: 'end', id });
      return;
    }
    const chunk = next.value;
    if (job.transfer && movable(chunk)) {
      this.send(slot, { type: 'chunk', id, bytes: chunk }, [chunk.buffer as ArrayBuffer]);
      return;
    }
    // A view is cloned together with its whole ArrayBuffer (a 1 MiB chunk of a 25 MB Buffer
    // would cost 25 MB each time), so copy just the chunk's bytes and move the copy.
    const copy = new Uint8Array(chunk);
    this.send(slot, { type: 'chunk', id, bytes: copy }, [copy.buffer]);
  }

  private stopWaiting(slot: Slot): void {
    if (slot.sourceWaitSince !== null) slot.sourceWaitMs += performance.now() - slot.sourceWaitSince;
    slot.sourceWaitSince = null;
  }

  private send(slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    slot.worker.postMessage(message, transfer);
  }

  /**
   * The budget is counted in the worker's event-loop active time (time spent running parse
   * code, measured 510 ms after 500 ms of a synchronous loop, so a long synchronous call is
   * seen while it runs), not in the time the job waited for the worker to start nor in the
   * time the worker waited, idle, for its next chunk. The wall clock is the backstop: at twice
   * the budget the worker is terminated regardless. It counts from the start of the job but
   * leaves out the time spent reading the mail's chunks, so that a slow database does not fail
   * a mail whose parse is well within budget (a stuck read is the caller's to time out).
   */
  private arm(slot: Slot, delayMs: number): void {
    const job = slot.job;
    slot.timer = setTimeout(() => {
      if (slot.job !== job || !job) return;
      const budget = job.limits.cpuBudgetMs ?? DEFAULT_PARSE_LIMITS.cpuBudgetMs;
      const used = slot.worker.performance.eventLoopUtilization().active - slot.startedActive;
      const now = performance.now();
      const waiting = slot.sourceWaitMs + (slot.sourceWaitSince === null ? 0 : now - slot.sourceWaitSince);
      const elapsed = now - slot.startedAt - waiting;
      if (used < budget && elapsed < budget * 2) {
        this.arm(slot, Math.max(10, Math.min(budget - used, budget * 2 - elapsed)));
        return;
      }
      this.settle(job, new ParseBudgetError(budget));
      void this.retire(slot, null);
    }, delayMs);
  }

  private finish(slot: Slot, response: ParseResponse): void {
    const job = slot.job;
    if (!job || job.id !== response.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    if (response.ok) this.settle(job, null, revive(response.mail));
    else this.settle(job, reviveError(response.error));
    this.dispatch();
  }

  /** Settles the job once, and stops reading its mail. */
  private settle(job: Job, err: Error | null, mail?: ParsedMail): void {
    if (!job.settled) {
      job.settled = true;
      if (err) job.reject(err);
      else job.resolve(mail!);
    }
    const chunks = job.chunks;
    job.chunks = null;
    // return() of an async generator waits for a read in progress; its outcome is of no interest.
    void chunks?.return?.().catch(() => undefined);
  }

  private async retire(slot: Slot, reason: Error | null): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    if (job) this.settle(job, reason ?? new Error('parse worker retired'));
    // A worker that dies before it is ready cannot load the parser: fail the waiting jobs (their
    // mails are deferred and retried) rather than start worker after worker for them.
    if (index >= 0 && !slot.ready && reason) for (const waiting of this.queue.splice(0)) this.settle(waiting, reason);
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
export function parseMailInWorker(raw: Buffer | RawMail, limits: Partial<ParseLimits> = {}, options: ParseOptions = {}): Promise<ParsedMail> {
  defaultPool ??= new ParseWorkerPool();
  return defaultPool.parse(raw, limits, options);
}

/** Stops the shared pool's workers (at shutdown, and at the end of tests). */
export async function closeParseWorkers(): Promise<void> {
  const pool = defaultPool;
  defaultPool = null;
  await pool?.close();
}

/**
 * The worker-thread side of parseMailInWorker: parses one mail at a time and answers with the
 * ParsedMail (structured clone keeps the Map and Dates; Buffers arrive as Uint8Array).
 *
 * The messages are in parse-protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { RawMail } from '../../domain/raw-mail.js';
import { parseMail } from './mime-parser.js';
import { movable } from './attachment-content.js';
import { releaseGarbage } from '../../app/release-garbage.js';
import type { FromWorker, ToWorker } from './parse-protocol.js';

type Delivery = Exclude<ToWorker, { type: 'start' }>;

/** The mail as it arrives from the pool, one chunk per pull. */
class PulledMail implements RawMail {
  private waiting: ((delivery: Delivery) => void) | null = null;
  private early: Delivery | null = null;

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly id: number,
    readonly size: number,
  ) {}

  deliver(delivery: Delivery): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(delivery);
    else this.early = delivery;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      // The chunk before this one is garbage now: collect it before the next arrives.
      releaseGarbage();
      const delivery = await this.pull();
      if (delivery.type === 'end') return;
      if (delivery.type === 'abort') throw new Error(delivery.message);
      const { bytes } = delivery;
      yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  }

  private pull(): Promise<Delivery> {
    const early = this.early;
    this.early = null;
    if (early) return Promise.resolve(early);
    return new Promise<Delivery>((resolve) => {
      this.waiting = resolve;
      this.post({ type: 'pull', id: this.id });
    });
  }
}

const port = parentPort;
if (port) {
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let current: { id: number; raw: PulledMail } | null = null;

  port.on('message', (message: ToWorker) => {
    if (message.type !== 'start') {
      if (current?.id === message.id) current.raw.deliver(message);
      return;
    }
    const { id, limits, whole } = message;
    const pulled = new PulledMail(post, id, message.size);
    current = { id, raw: pulled };
    const raw = whole ? Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength) : pulled;
    parseMail(raw, limits).then(
      (mail) => {
        current = null;
        // Attachments that may be moved are; the structured clone copies the others.
        const transfer = mail.attachments
          .map((a) => a.content)
          .filter(movable)
          .map((b) => b.buffer as ArrayBuffer);
        post({ type: 'done', id, ok: true, mail }, [...new Set(transfer)]);
      },
      (err: unknown) => {
        current = null;
        const e = err instanceof Error ? err : new Error(String(err));
        const code = 'code' in e && typeof e.code === 'string' ? e.code : null;
        const detail = 'detail' in e && typeof e.detail === 'string' ? e.detail : null;
        post({ type: 'done', id, ok: false, error: { name: e.name, code, message: e.message, detail } });
      },
    );
  });
  // Every import above is loaded: from now on a job's time budget is the parse's alone.
  post({ type: 'ready' });
}

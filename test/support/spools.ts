import type { RawSpool, ReceiveResult } from '../../src/app/ingest/receive-mail.js';

/**
 * A spool whose `finish` runs through `finish(original)`: lets a test fail a store, crash after
 * the commit, or record what was stored, while the bytes still stream as in production.
 *
 * Usage:
 *   openSpool: (env) => interceptFinish(openRawSpool(rt.ctx, env), async (finish) => { const r = await finish(); crash(); return r; })
 */
export function interceptFinish(spool: RawSpool, finish: (original: () => Promise<ReceiveResult>) => Promise<ReceiveResult>): RawSpool {
  const wrapped = Object.create(spool) as RawSpool & { finish: RawSpool['finish'] };
  Object.defineProperty(wrapped, 'finish', { value: () => finish(() => spool.finish()) });
  return wrapped;
}

import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Work that runs after the answer has left (issue 10, item 9): sign-up and reset answer the same
 * at the same moment whatever the address, and only then do the work that depends on it. Errors
 * are logged (the caller got its answer already); `idle()` waits for what is running, so that a
 * shutdown, or a test, does not cut it off.
 */
export interface AfterResponse {
  /** Starts `work` once `res` has been sent (or the client went away); registered at once, so `idle()` sees it. */
  run(what: string, res: ServerResponse, work: () => Promise<void>): void;
  idle(): Promise<void>;
}

export function createAfterResponse(log: FastifyBaseLogger): AfterResponse {
  const running = new Set<Promise<void>>();
  return {
    run(what, res, work) {
      const p: Promise<void> = sent(res)
        .then(work)
        .catch((err: unknown) => log.error({ err }, `${what} failed after the answer`))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

function sent(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once('finish', () => resolve());
    res.once('close', () => resolve());
  });
}

import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from '../app/web-context.js';
import { formatCursor, pollLiveChanges, resumeCursor } from '../app/live/live-updates.js';
import { principalOf } from './route-registry.js';
import { stillSignedIn } from '../app/auth/sessions.js';
import { APP_CSP, ISOLATION_HEADERS } from './security-headers.js';

/** Poll every 2 s: a customer who just hit send sees ✓ within about the time the pipeline takes. */
export const LIVE_POLL_MS = 2000;
/**
 * A stream ends after 1 hour at most; the browser's EventSource reconnects on its own (after the
 * `retry` of 3 s) and resumes with Last-Event-ID, passing the full sign-in check again. So no
 * stream outlives a change of rights by more than a poll, nor lives on a check made long ago.
 */
export const LIVE_STREAM_MAX_MS = 60 * 60 * 1000;
/** A comment line every 25 s keeps proxies (nginx default 60 s) from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

export interface LiveStreams {
  serve(req: FastifyRequest, reply: FastifyReply): void;
  /** Ends every open stream (at shutdown, so that close() does not wait for browsers). */
  closeAll(): void;
  readonly open: number;
}

/**
 * Server-sent events for the logged-in user. Each stream polls the cheap "changed since" queries
 * every `pollMs`, and at once when the in-process bus says something changed. The stream ends
 * when the browser goes, when the session ends or the token is revoked (logout, password change,
 * disabled user; checked on every poll), after `maxLifetimeMs`, and at shutdown. The browser resumes after a drop with Last-Event-ID, which carries the cursor.
 */
export function createLiveStreams(ctx: WebContext, log: FastifyBaseLogger, opts: { pollMs?: number; maxLifetimeMs?: number } = {}): LiveStreams {
  const pollMs = opts.pollMs ?? LIVE_POLL_MS;
  const maxLifetimeMs = opts.maxLifetimeMs ?? LIVE_STREAM_MAX_MS;
  const enders = new Set<() => void>();
  return {
    get open() {
      return enders.size;
    },
    closeAll() {
      for (const end of [...enders]) end();
    },
    serve(req, reply) {
      const principal = principalOf(req);
      const lastEventId = req.headers['last-event-id'];
      let cursor = resumeCursor(typeof lastEventId === 'string' ? lastEventId : undefined, ctx.clock.now());
      reply.hijack();
      const res = reply.raw;
      // Hijacked: the onSend hook does not run, so the usual headers are written here.
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': APP_CSP,
        'x-frame-options': 'DENY',
        'referrer-policy': 'same-origin',
        ...ISOLATION_HEADERS,
        // nginx buffers responses by default; a buffered event stream is no stream.
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write(`retry: 3000\n: connected\n\n`);
      let closed = false;
      let running = false;
      let again = false;
      const end = () => {
        if (closed) return;
        closed = true;
        clearInterval(poll);
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        unsubscribe?.();
        enders.delete(end);
        res.end();
      };
      const tick = async (): Promise<void> => {
        if (closed) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            if (!(await stillSignedIn(ctx, principal))) return end();
            const r = await pollLiveChanges(ctx, principal.user, cursor);
            cursor = r.cursor;
            if (closed) return;
            for (const e of r.events) res.write(`id: ${formatCursor(cursor)}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
          } while (again && !closed);
        } catch (err) {
          // A failed poll (database briefly away) is tried again at the next tick; the stream stays.
          log.warn({ err }, 'live update poll failed');
        } finally {
          running = false;
        }
      };
      const poll = setInterval(() => void tick(), pollMs);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const lifetime = setTimeout(end, maxLifetimeMs);
      const unsubscribe = ctx.events?.subscribe(() => void tick());
      enders.add(end);
      res.on('close', end);
      void tick();
    },
  };
}

import { principalOf, type RouteDeps } from '../route-registry.js';
import type { LiveStreams } from '../live-stream.js';
import { pollLiveChanges, resumeCursor, formatCursor } from '../../app/live/live-updates.js';
import { arrayOf, obj, str } from './schemas.js';

export function liveRoutes({ ctx, router }: RouteDeps, streams: LiveStreams): void {
  router.route<{ Querystring: { cursor?: string } }>({
    method: 'GET', url: '/api/events', access: 'customer', tag: 'live',
    summary:
      'Live updates. With `Accept: text/event-stream` (EventSource): a server-sent event stream of `mail` (an outcome of a mail I sent; staff: any) and `case` (a case I may see changed) events; resumes with Last-Event-ID. Otherwise one JSON answer with the changes since `cursor` (or the last hour), for integrations that poll.',
    querystring: obj({ cursor: str(4000, { description: 'The `cursor` of the previous JSON answer (or an SSE event id).' }) }),
    response: {
      status: 200,
      description: 'The stream, or the changes as JSON.',
      schema: obj({ events: arrayOf(obj({ type: { enum: ['mail', 'case'] }, data: { type: 'object' } })), cursor: str(100) }),
    },
    async handler(req, reply) {
      if (/\btext\/event-stream\b/.test(req.headers.accept ?? '')) {
        streams.serve(req, reply);
        return reply;
      }
      const now = ctx.clock.now();
      // Without a cursor: the last hour, the same bound a reconnecting stream gets.
      const start = resumeCursor(req.query.cursor ?? `${new Date(0).toISOString()}|${new Date(0).toISOString()}`, now);
      const r = await pollLiveChanges(ctx, principalOf(req).user, start);
      return { events: r.events, cursor: formatCursor(r.cursor) };
    },
  });
}

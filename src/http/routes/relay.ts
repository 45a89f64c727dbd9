import type { RouteDeps } from '../route-registry.js';
import { AppError } from '../../app/errors.js';
import { RELAY_STATES, type RelayStateStore } from '../../app/ports.js';
import { showRelayState } from '../../app/outbound/relay-state.js';
import { obj } from './schemas.js';

const nullable = { type: ['string', 'null'] };
const relaySchema = obj({
  configured: { type: 'boolean', description: 'False: no relay is configured; every mail stays in the local outbox.' },
  host: { ...nullable, description: 'The relay\'s host:port as the sending nodes use it (null until one has started).' },
  oauthMailbox: { ...nullable, description: 'The mailbox whose OAuth2 credentials the relay login uses (`?oauth=<key>`), or null.' },
  state: {
    type: ['object', 'null'],
    properties: { code: { enum: [...RELAY_STATES] }, detail: nullable, at: { ...nullable, description: 'Since when the state holds.' } },
  },
});

/**
 * The outgoing relay's state on the admin's mailboxes page: green once it accepted a mail, red
 * when it refused the login (the mails wait in the outbox). Without the state store the route
 * answers 503 `unavailable`.
 */
export function relayRoutes({ ctx, router }: RouteDeps, states: Pick<RelayStateStore, 'read'> | null): void {
  router.route({
    method: 'GET', url: '/api/admin/relay', access: 'admin', tag: 'mailboxes',
    summary: 'The outgoing relay: its state as the sending nodes last found it (`new`, `ok`, `login_refused`, `unreachable`), its host and OAuth2 mailbox, never its credentials.',
    response: { status: 200, description: 'The relay.', schema: obj({ relay: relaySchema }) },
    async handler() {
      if (!states) throw new AppError('unavailable');
      return { relay: await showRelayState(states, ctx.mail.relayConfigured) };
    },
  });
}

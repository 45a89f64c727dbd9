import type { Router } from '../route-registry.js';
import { AppError } from '../../app/errors.js';
import { MAILBOX_STATES, OAUTH_PRESETS, type MailboxDefinition, type MailboxSecrets, type OAuthSettings } from '../../app/mailboxes/mailbox.js';
import { ConnectFailed, deleteMailbox, finishConnect, listMailboxes, saveMailbox, startConnect, type MailboxContext } from '../../app/mailboxes/mailboxes.js';
import { arrayOf, idParams, obj, str } from './schemas.js';

const nullableStr = (max: number) => ({ type: ['string', 'null'], maxLength: max });
const oauthSchema = obj(
  {
    preset: { enum: [...OAUTH_PRESETS] }, clientId: str(300, { minLength: 1 }), tenant: nullableStr(200), issuer: nullableStr(500),
    scope: nullableStr(500), credential: { enum: ['secret', 'certificate'] }, certificatePem: nullableStr(20_000),
  },
  ['preset', 'clientId'],
);
const mailboxSchema = obj({
  key: str(40), user: str(320), imapUrl: str(500), auth: { enum: ['password', 'oauth2'] }, oauth: { type: ['object', 'null'] },
  source: { enum: ['admin', 'config'] }, updatedAt: str(40),
  state: obj({ code: { enum: [...MAILBOX_STATES] }, detail: { type: ['string', 'null'] }, at: { type: ['string', 'null'] } }),
  stored: obj({ password: { type: 'boolean' }, clientSecret: { type: 'boolean' }, privateKey: { type: 'boolean' }, refreshToken: { type: 'boolean' } }),
});
/** A secret field: a new value, '' to remove it, left out to keep the stored one. */
const secretField = str(20_000);

interface SaveBody {
  key: string;
  user: string;
  imapUrl: string;
  auth: 'password' | 'oauth2';
  oauth?: Partial<OAuthSettings> & Pick<OAuthSettings, 'preset' | 'clientId'>;
  password?: string;
  clientSecret?: string;
  privateKeyPem?: string;
}

/**
 * The admin's mailboxes page: list with state, create or change, delete, and the Google
 * preset's "Connect mailbox" (authorization code with PKCE; the callback comes back here in the
 * admin's browser). Without a mailbox context the routes answer 503 `unavailable`.
 */
export function mailboxRoutes(router: Router, mailboxes: MailboxContext | null): void {
  const need = (): MailboxContext => {
    if (!mailboxes) throw new AppError('unavailable');
    return mailboxes;
  };

  router.route({
    method: 'GET', url: '/api/admin/mailboxes', access: 'admin', tag: 'mailboxes',
    summary: 'The inbound mailboxes with their state (never their secrets, only whether each is stored).',
    response: { status: 200, description: 'The mailboxes.', schema: obj({ mailboxes: arrayOf(mailboxSchema) }) },
    async handler() {
      return { mailboxes: await listMailboxes(need()) };
    },
  });

  router.route<{ Body: SaveBody }>({
    method: 'POST', url: '/api/admin/mailboxes', access: 'admin', tag: 'mailboxes',
    summary: 'Create or change a mailbox (by key). Secrets left out keep their stored value; an empty string removes one.',
    body: obj(
      {
        key: str(40, { minLength: 1 }), user: str(320, { minLength: 1 }), imapUrl: str(500, { minLength: 1 }), auth: { enum: ['password', 'oauth2'] },
        oauth: oauthSchema, password: secretField, clientSecret: secretField, privateKeyPem: secretField,
      },
      ['key', 'user', 'imapUrl', 'auth'],
    ),
    response: { status: 200, description: 'The mailbox.', schema: obj({ mailbox: mailboxSchema }) },
    async handler(req) {
      const b = req.body;
      const definition: MailboxDefinition = {
        key: b.key, user: b.user.trim(), imapUrl: b.imapUrl.trim(), auth: b.auth,
        oauth: b.auth === 'oauth2' && b.oauth
          ? {
              preset: b.oauth.preset, clientId: b.oauth.clientId.trim(), tenant: b.oauth.tenant?.trim() || null, issuer: b.oauth.issuer?.trim() || null,
              scope: b.oauth.scope?.trim() || null, credential: b.oauth.credential ?? 'secret', certificatePem: b.oauth.certificatePem?.trim() || null,
            }
          : null,
      };
      const secrets: MailboxSecrets = { password: b.password, clientSecret: b.clientSecret, privateKeyPem: b.privateKeyPem };
      return { mailbox: await saveMailbox(need(), { definition, secrets }, 'admin') };
    },
  });

  router.route<{ Params: { key: string } }>({
    method: 'DELETE', url: '/api/admin/mailboxes/:key', access: 'admin', tag: 'mailboxes',
    summary: 'Delete a mailbox: it is no longer fetched (its messages stay on the server).',
    params: idParams('key', 'The mailbox key.'),
    response: { status: 204, description: 'Deleted.' },
    async handler(req, reply) {
      await deleteMailbox(need(), req.params.key);
      return reply.status(204).send();
    },
  });

  router.route<{ Params: { key: string } }>({
    method: 'POST', url: '/api/admin/mailboxes/:key/connect', access: 'admin', tag: 'mailboxes',
    summary: 'Start "Connect mailbox" (Google preset): the authorization URL to open in the browser.',
    params: idParams('key', 'The mailbox key.'),
    response: { status: 200, description: 'Where to send the browser.', schema: obj({ url: str(4000) }) },
    async handler(req) {
      return startConnect(need(), req.params.key);
    },
  });

  router.route<{ Querystring: { state?: string; code?: string; error?: string } }>({
    method: 'GET', url: '/api/admin/mailboxes/oauth/callback', access: 'admin', tag: 'mailboxes',
    summary: 'Where the authorization server sends the admin back: stores the refresh token and redirects to the mailboxes page.',
    querystring: obj({ state: str(200), code: str(4000), error: str(200), error_description: str(2000), scope: str(2000), iss: str(500), session_state: str(500), authuser: str(20), prompt: str(50), hd: str(200) }),
    response: { status: 302, description: 'To /admin/mailboxes with `connected=<key>` or `connectError=<reason>`.' },
    async handler(req, reply) {
      try {
        const key = await finishConnect(need(), { state: req.query.state ?? '', code: req.query.code ?? null, error: req.query.error ?? null });
        return reply.redirect(`/admin/mailboxes?connected=${encodeURIComponent(key)}`, 302);
      } catch (err) {
        if (!(err instanceof ConnectFailed)) throw err;
        const key = err.key ? `&key=${encodeURIComponent(err.key)}` : '';
        return reply.redirect(`/admin/mailboxes?connectError=${err.reason}${key}`, 302);
      }
    },
  });
}

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';
import { AppError } from '../../src/app/errors.js';
import type { MailboxDefinition } from '../../src/app/mailboxes/mailbox.js';
import { ConnectFailed, deleteMailbox, finishConnect, listMailboxes, openSecrets, saveMailbox, startConnect, type MailboxContext } from '../../src/app/mailboxes/mailboxes.js';
import { mailboxContextFor, syncConfigMailboxes } from '../../src/start-mailboxes.js';

/**
 * The admin's mailbox use cases over both databases: secrets sealed and kept when left out, a
 * grant dropped when the app it came from changes, configured mailboxes read-only, and the
 * connect flow's state used once (the code exchange against oidc-provider).
 */

const google = (issuer: string): MailboxDefinition => ({
  key: 'support-de', user: 'support-de@example.com', imapUrl: 'imaps://imap.gmail.com/INBOX', auth: 'oauth2',
  oauth: { preset: 'google', clientId: 'workspace-app', tenant: null, issuer, scope: null, credential: 'secret', certificatePem: null },
});

for (const dialect of testedDialects()) {
  describe(`admin mailboxes on ${dialect}`, () => {
    let rt: TestRuntime;
    let ctx: MailboxContext;
    let idp: OidcServer;
    const changed: string[] = [];

    before(async () => {
      idp = await startOidcServer();
      idp.addClient({ clientId: 'workspace-app', clientSecret: 'workspace-secret', redirectUris: ['https://portal.example.com/api/admin/mailboxes/oauth/callback'] });
      rt = await testRuntime(dialect);
      ctx = { ...mailboxContextFor(rt), changed: (k) => changed.push(k) };
    });
    after(async () => {
      await rt?.dispose();
      await idp?.stop();
    });

    test('secrets are sealed, kept when left out, removed with an empty string; the view shows only that they are stored', async () => {
      const d = google(idp.issuer);
      const v = await saveMailbox(ctx, { definition: d, secrets: { clientSecret: 'workspace-secret' } }, 'admin');
      assert.deepEqual(v.stored, { password: false, clientSecret: true, privateKey: false, refreshToken: false });
      assert.deepEqual(v.state.code, 'new');
      assert.deepEqual(changed, ['support-de']);
      const row = await rt.db.db.selectFrom('mailboxes').selectAll().where('key', '=', 'support-de').executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes('workspace-secret'));
      // Saved again without the secret: kept (the page never has it to send back).
      await saveMailbox(ctx, { definition: { ...d, user: 'support-de2@example.com' }, secrets: {} }, 'admin');
      const stored = (await ctx.mailboxes.get('support-de'))!;
      assert.equal(openSecrets(ctx, stored).clientSecret, 'workspace-secret');
      assert.ok(!JSON.stringify(await listMailboxes(ctx)).includes('workspace-secret'));
      await assert.rejects(saveMailbox(ctx, { definition: d, secrets: { clientSecret: '' } }, 'admin'), (e: AppError) => e.code === 'invalid_input' && e.details?.field === 'clientSecret');
    });

    test('Connect mailbox: the state is used once, the code is exchanged with PKCE and the refresh token is sealed', async () => {
      const { url } = await startConnect(ctx, 'support-de');
      const auth = new URL(url);
      assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(auth.searchParams.get('redirect_uri'), 'https://portal.example.com/api/admin/mailboxes/oauth/callback');
      const state = auth.searchParams.get('state')!;
      // The admin cancelled at the authorization server: the state is spent, the reason recorded.
      await assert.rejects(finishConnect(ctx, { state, code: null, error: 'access_denied' }), (e: ConnectFailed) => e.reason === 'denied' && e.key === 'support-de');
      assert.equal((await ctx.mailboxes.get('support-de'))!.state.code, 'not_connected');
      await assert.rejects(finishConnect(ctx, { state, code: 'x', error: null }), (e: ConnectFailed) => e.reason === 'expired');
      // A code the server never issued: the exchange fails, the mailbox stays unconnected.
      const second = new URL((await startConnect(ctx, 'support-de')).url).searchParams.get('state')!;
      await assert.rejects(finishConnect(ctx, { state: second, code: 'forged-code', error: null }), (e: ConnectFailed) => e.reason === 'exchange_failed');
      assert.equal((await listMailboxes(ctx))[0]!.stored.refreshToken, false);
    });

    test('a mailbox from the configuration is read-only for admins and goes when the configuration drops it', async () => {
      await syncConfigMailboxes(ctx, [{ key: 'support', user: 'support@example.com', imapUrl: 'imaps://outlook.office365.com/INBOX', oauth: { preset: 'microsoft', tenant: 'contoso', clientId: 'app', clientSecret: 's' } }]);
      const views = await listMailboxes(ctx);
      assert.deepEqual(views.map((m) => [m.key, m.source]), [['support', 'config'], ['support-de', 'admin']]);
      await assert.rejects(deleteMailbox(ctx, 'support'), (e: AppError) => e.code === 'forbidden');
      await assert.rejects(saveMailbox(ctx, { definition: { ...views[0]!, oauth: views[0]!.oauth }, secrets: {} }, 'admin'), (e: AppError) => e.code === 'forbidden');
      await syncConfigMailboxes(ctx, []);
      assert.deepEqual((await listMailboxes(ctx)).map((m) => m.key), ['support-de']);
      await deleteMailbox(ctx, 'support-de');
      await assert.rejects(deleteMailbox(ctx, 'support-de'), (e: AppError) => e.code === 'mailbox_not_found');
    });
  });
}

import type { DatabaseHandle } from '../database.js';
import { boundConnection } from '../transaction-scope.js';
import type { MailboxStore, StoredMailbox } from '../../app/mailboxes/ports.js';
import { MAILBOX_STATES, type MailboxDefinition, type MailboxStateCode } from '../../app/mailboxes/mailbox.js';
import type { MailboxTable } from '../schema.js';

/** The MailboxStore port over the `mailboxes` table (migration 013). */
export function createMailboxStore(h: DatabaseHandle): MailboxStore {
  const db = boundConnection(h);
  const toStored = (r: MailboxTable): StoredMailbox => ({
    definition: JSON.parse(r.definition) as MailboxDefinition,
    sealedSecrets: r.secrets,
    source: r.source === 'config' ? 'config' : 'admin',
    state: {
      code: (MAILBOX_STATES as readonly string[]).includes(r.state) ? (r.state as MailboxStateCode) : 'error',
      detail: r.state_detail,
      at: r.state_at,
    },
    updatedAt: r.updated_at,
  });
  return {
    async list() {
      const rows = await db().selectFrom('mailboxes').selectAll().orderBy('key').execute();
      return rows.map(toStored);
    },
    async get(key) {
      const r = await db().selectFrom('mailboxes').selectAll().where('key', '=', key).executeTakeFirst();
      return r ? toStored(r) : null;
    },
    async put(m) {
      const values = { definition: JSON.stringify(m.definition), secrets: m.sealedSecrets, source: m.source, updated_at: m.updatedAt };
      await db()
        .insertInto('mailboxes')
        .values({ key: m.definition.key, ...values, state: 'new' })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    },
    async remove(key) {
      const r = await db().deleteFrom('mailboxes').where('key', '=', key).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async setState(key, state) {
      await db().updateTable('mailboxes').set({ state: state.code, state_detail: state.detail, state_at: state.at }).where('key', '=', key).execute();
    },
    async setPendingConnect(p) {
      await db()
        .updateTable('mailboxes')
        .set({ connect_state_hash: p.stateHash, connect_verifier: p.sealedVerifier, connect_expires_at: p.expiresAt })
        .where('key', '=', p.key)
        .execute();
    },
    async takePendingConnect(stateHash) {
      const r = await db().selectFrom('mailboxes').selectAll().where('connect_state_hash', '=', stateHash).executeTakeFirst();
      if (!r || !r.connect_verifier || !r.connect_expires_at) return null;
      // One use: a replayed callback finds nothing.
      const cleared = await db()
        .updateTable('mailboxes')
        .set({ connect_state_hash: null, connect_verifier: null, connect_expires_at: null })
        .where('key', '=', r.key)
        .where('connect_state_hash', '=', stateHash)
        .executeTakeFirst();
      if (Number(cleared.numUpdatedRows) === 0) return null;
      return { key: r.key, stateHash, sealedVerifier: r.connect_verifier, expiresAt: r.connect_expires_at };
    },
  };
}

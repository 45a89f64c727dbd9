import { randomUUID } from 'node:crypto';
import type { ApiTokenTable, SessionTable } from '../schema.js';
import type { Connection } from '../transaction-scope.js';
import type { ApiTokenRecord, ApiTokenScope, ApiTokenStore, AttemptKind, AttemptStore, OneTimeTokenStore, SessionRecord, SessionStore, UserSettingsStore } from '../../app/auth/ports.js';
import { toUser } from './people.js';

function toSession(r: SessionTable): SessionRecord {
  return { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, ip: r.ip, userAgent: r.user_agent };
}

function toToken(r: ApiTokenTable): ApiTokenRecord {
  return { id: r.id, userId: r.user_id, name: r.name, scope: r.scope as ApiTokenScope, tokenHash: r.token_hash, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

function keyColumn(key: { account: string } | { ip: string }): ['account' | 'ip', string] {
  return 'account' in key ? ['account', key.account] : ['ip', key.ip];
}

export function sessionStore(db: Connection): SessionStore {
  return {
    async insert(s) {
      await db()
        .insertInto('sessions')
        .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
        .execute();
    },
    async find(idHash) {
      const r = await db().selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r ? toSession(r) : null;
    },
    async touch(idHash, at) {
      await db().updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
    },
    async delete(idHash) {
      await db().deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteForUser(userId, exceptIdHash) {
      let q = db().deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
      const r = await q.executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deleteExpired(idleBefore, now) {
      const r = await db()
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export function apiTokenStore(db: Connection): ApiTokenStore {
  return {
    async insert(t) {
      await db()
        .insertInto('api_tokens')
        .values({ id: t.id, user_id: t.userId, name: t.name, scope: t.scope, token_hash: t.tokenHash, prefix: t.prefix, created_at: t.createdAt, last_used_at: t.lastUsedAt, revoked_at: t.revokedAt })
        .execute();
    },
    async findByHash(tokenHash) {
      const r = await db().selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return r ? toToken(r) : null;
    },
    async list(userId) {
      return (await db().selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute()).map(toToken);
    },
    async revoke(id, userId, at) {
      const r = await db().updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async revokeForUser(userId, at) {
      const r = await db().updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async touch(id, at) {
      await db().updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async isLive(id) {
      return (await db().selectFrom('api_tokens').select('id').where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()) !== undefined;
    },
  };
}

export function oneTimeTokenStore(db: Connection): OneTimeTokenStore {
  return {
    async insert(t) {
      await db()
        .insertInto('one_time_tokens')
        .values({ token_hash: t.tokenHash, purpose: t.purpose, user_id: t.userId, created_at: t.createdAt, expires_at: t.expiresAt, used_at: null, password_hash: t.passwordHash ?? null })
        .execute();
    },
    async consume(tokenHash, purpose, now) {
      // One UPDATE that checks and marks: of two concurrent uses exactly one gets the row.
      const r = await db()
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['user_id', 'password_hash'])
        .executeTakeFirst();
      return r ? { userId: r.user_id, passwordHash: r.password_hash } : null;
    },
    async pendingPasswordHashes(userId, purpose, now, limit) {
      const rows = await db()
        .selectFrom('one_time_tokens')
        .select('password_hash')
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where('password_hash', 'is not', null)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.password_hash!);
    },
    async invalidate(userId, purpose, at) {
      await db().updateTable('one_time_tokens').set({ used_at: at }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
    },
  };
}

export function attemptStore(db: Connection): AttemptStore {
  async function countAttempts(kind: AttemptKind, key: { account: string } | { ip: string }, since: string, failuresOnly: boolean): Promise<number> {
    const [col, value] = keyColumn(key);
    let q = db().selectFrom('login_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where(col, '=', value).where('at', '>', since);
    if (failuresOnly) q = q.where('success', '=', 0);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }
  return {
    async record(a) {
      await db().insertInto('login_attempts').values({ id: randomUUID(), kind: a.kind, account: a.account, ip: a.ip, success: a.success ? 1 : 0, at: a.at }).execute();
    },
    failures: (kind, key, since) => countAttempts(kind, key, since, true),
    count: (kind, key, since) => countAttempts(kind, key, since, false),
    async lastSuccess(kind, account) {
      const r = await db().selectFrom('login_attempts').select('at').where('kind', '=', kind).where('account', '=', account).where('success', '=', 1).orderBy('at', 'desc').limit(1).executeTakeFirst();
      return r?.at ?? null;
    },
    async prune(before) {
      await db().deleteFrom('login_attempts').where('at', '<', before).execute();
      await db().deleteFrom('auth_throttle').where('updated_at', '<', before).execute();
    },
    async delayState(kind, key) {
      const r = await db().selectFrom('auth_throttle').select(['failures', 'next_at', 'updated_at']).where('kind', '=', kind).where('throttle_key', '=', key).executeTakeFirst();
      return r ? { failures: Number(r.failures), nextAt: r.next_at, updatedAt: r.updated_at } : null;
    },
    async swapDelayState(kind, key, expected, next) {
      const values = { failures: next.failures, next_at: next.nextAt, updated_at: next.updatedAt };
      if (!expected) {
        const r = await db()
          .insertInto('auth_throttle')
          .values({ kind, throttle_key: key, ...values })
          .onConflict((oc) => oc.columns(['kind', 'throttle_key']).doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
      }
      // The row must still be the one read: of two parallel claims of one slot exactly one wins.
      const r = await db()
        .updateTable('auth_throttle')
        .set(values)
        .where('kind', '=', kind)
        .where('throttle_key', '=', key)
        .where('failures', '=', expected.failures)
        .where('next_at', '=', expected.nextAt)
        .where('updated_at', '=', expected.updatedAt)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async clearDelayState(kind, key) {
      await db().deleteFrom('auth_throttle').where('kind', '=', kind).where('throttle_key', '=', key).execute();
    },
  };
}

export function userSettingsStore(db: Connection): UserSettingsStore {
  return {
    async get(userId) {
      const r = await db().selectFrom('user_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return { notifyByEmail: r?.notify_by_email === 1, notificationsReadAt: r?.notifications_read_at ?? null };
    },
    async update(userId, patch, at) {
      const set: { notify_by_email?: number; notifications_read_at?: string | null; updated_at: string } = { updated_at: at };
      if (patch.notifyByEmail !== undefined) set.notify_by_email = patch.notifyByEmail ? 1 : 0;
      if (patch.notificationsReadAt !== undefined) set.notifications_read_at = patch.notificationsReadAt;
      await db()
        .insertInto('user_settings')
        .values({ user_id: userId, notify_by_email: set.notify_by_email ?? 0, notifications_read_at: set.notifications_read_at ?? null, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(set))
        .execute();
    },
    async emailNotificationRecipients() {
      const rows = await db()
        .selectFrom('users')
        .innerJoin('user_settings', 'user_settings.user_id', 'users.id')
        .selectAll('users')
        .where('user_settings.notify_by_email', '=', 1)
        .where('users.role', 'in', ['agent', 'admin'])
        .where('users.disabled', '=', 0)
        .orderBy('users.email')
        .execute();
      return rows.map(toUser);
    },
  };
}

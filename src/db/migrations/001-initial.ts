import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * The initial schema. One definition for SQLite and PostgreSQL: column types that differ come
 * from the dialect adapter (blob/bytea, text/timestamptz).
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);
  const blob = sql.raw(d.types.blob);
  const big = sql.raw(d.types.bigint);

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('customer_no', 'text', (c) => c.unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique().check(sql`email = lower(email)`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('customer', 'agent', 'admin')`))
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('de', 'en')`))
    .addColumn('password_hash', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('org_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_organisation').on('users').column('organisation_id').execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('product_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('product_versions_unique', ['product_id', 'name'])
    .execute();

  // Case numbers come from a counter row updated in the opening transaction: the row lock makes
  // concurrent openers on PostgreSQL wait for each other, so numbers never repeat or skip backwards.
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', big, (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('new', 'open', 'waiting_for_customer', 'closed')`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('portal', 'phone')`))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .addColumn('product_id', 'text', (c) => c.references('products.id'))
    .addColumn('version', 'text')
    .addColumn('environment', 'text')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('last_activity_at', ts, (c) => c.notNull())
    .addColumn('closed_at', ts)
    .execute();
  await db.schema.createIndex('cases_customer_status').on('cases').columns(['customer_id', 'status']).execute();
  await db.schema.createIndex('cases_organisation_status').on('cases').columns(['organisation_id', 'status']).execute();
  await db.schema.createIndex('cases_status_activity').on('cases').columns(['status', 'last_activity_at']).execute();
  await db.schema.createIndex('cases_assignee_status').on('cases').columns(['assignee_id', 'status']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('detail', 'text')
    .addColumn('at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'at']).execute();

  // Addresses an agent copied on a case: they may reply by mail too (inbound "authorise sender").
  await db.schema
    .createTable('case_participants')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('case_participants_pk', ['case_id', 'email'])
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('content', blob, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('inbound_mails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', ts, (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('smtp', 'lmtp', 'imap', 'pipe')`))
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', 'text', (c) => c.notNull())
    .addColumn('remote_ip', 'text')
    .addColumn('message_id', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('raw', blob)
    .addColumn('duplicate_of', 'text', (c) => c.references('inbound_mails.id'))
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('scan', 'text')
    .addColumn('auth', 'text')
    .addColumn('decisions', 'text')
    .addColumn('processed_at', ts)
    .addColumn('processing_ms', 'integer')
    .execute();
  // One original per content: a second insert of the same bytes conflicts and becomes a duplicate,
  // also when two serve processes receive it at the same moment (RELIABILITY promise 4, S6).
  await db.schema.createIndex('inbound_mails_original_sha').on('inbound_mails').column('sha256').unique().where(sql.ref('duplicate_of'), 'is', null).execute();
  await db.schema.createIndex('inbound_mails_case').on('inbound_mails').columns(['case_id', 'received_at']).execute();
  await db.schema.createIndex('inbound_mails_sender').on('inbound_mails').columns(['from_address', 'received_at']).execute();
  await db.schema.createIndex('inbound_mails_status').on('inbound_mails').columns(['status', 'received_at']).execute();
  await db.schema.createIndex('inbound_mails_message_id').on('inbound_mails').column('message_id').execute();

  await db.schema
    .createTable('outbound_mails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('inbound_mail_id', 'text', (c) => c.references('inbound_mails.id'))
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('envelope_from', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('raw', blob, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ts)
    .addColumn('locked_until', ts)
    .addColumn('last_error', 'text')
    .addColumn('bounce_diagnostic', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('sent_at', ts)
    .execute();
  await db.schema.createIndex('outbound_mails_due').on('outbound_mails').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbound_mails_case').on('outbound_mails').columns(['case_id', 'created_at']).execute();
  await db.schema.createIndex('outbound_mails_recipient').on('outbound_mails').columns(['recipients', 'created_at']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('author_id', 'text', (c) => c.references('users.id'))
    .addColumn('author_email', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('customer_reply', 'agent_reply', 'internal_note')`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('portal', 'email', 'phone', 'agent')`))
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('quoted_text', 'text')
    .addColumn('inbound_mail_id', 'text', (c) => c.references('inbound_mails.id'))
    .addColumn('outbound_mail_id', 'text', (c) => c.references('outbound_mails.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_case').on('messages').columns(['case_id', 'created_at']).execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('message_id', 'text', (c) => c.references('messages.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('detected_type', 'text')
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('scan', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_message').on('attachments').column('message_id').execute();
  await db.schema.createIndex('attachments_case').on('attachments').column('case_id').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('job_key', 'text', (c) => c.unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', ts, (c) => c.notNull())
    .addColumn('locked_until', ts)
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', sql.raw(d.types.autoId))
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

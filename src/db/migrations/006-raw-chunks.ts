import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * A mail over 1 MiB, and an attachment over 1 MiB, is stored as a sequence of 1 MiB chunks instead of one blob, so that neither
 * receiving nor processing it holds the whole mail in memory: SQLite and PostgreSQL clients bind
 * and return a blob as one buffer, chunks can be written while the sender is still sending and
 * read one at a time. Chunks are written before their mail row exists (the row commits with the
 * last chunk), so there is no foreign key; orphans of an aborted or crashed receipt are swept.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('inbound_mail_chunks')
    .addColumn('mail_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', sql.raw(d.types.blob), (c) => c.notNull())
    .addColumn('created_at', sql.raw(d.types.timestamp), (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_mail_chunks_pk', ['mail_id', 'seq'])
    .execute();
  await db.schema.createIndex('inbound_mail_chunks_created').on('inbound_mail_chunks').column('created_at').execute();
  // 0: the bytes are in inbound_mails.raw; n > 0: in n rows of inbound_mail_chunks.
  await db.schema.alterTable('inbound_mails').addColumn('raw_chunks', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // Attachment contents the same way: written after their blobs row, in the same transaction.
  await db.schema
    .createTable('blob_chunks')
    .addColumn('sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', sql.raw(d.types.blob), (c) => c.notNull())
    .addPrimaryKeyConstraint('blob_chunks_pk', ['sha256', 'seq'])
    .execute();
  // 0: the bytes are in blobs.content; n > 0: in n rows of blob_chunks (blobs.content is empty).
  await db.schema.alterTable('blobs').addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

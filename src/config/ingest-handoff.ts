import { join } from 'node:path';

/**
 * The local handoff between `supportal ingest` (started by the MTA once per mail) and a running
 * `supportal serve`: LMTP over a Unix socket in the data directory, so that `ingest` need not
 * load the database, the parse worker or mailauth (RELIABILITY promise 2 still holds: serve
 * answers 250 only once the mail is stored durably). Shared by both sides; imports nothing heavy.
 *
 * Two envelope details that plain LMTP cannot say, carried as ESMTP parameters:
 *   - `MAIL FROM:<> X-UNKNOWN-SENDER`: ingest was started without --sender (null, not the null
 *     sender <>, which must not be answered);
 *   - `RCPT TO:<postmaster>` (the one domainless recipient RFC 5321 4.1.1.3 allows): ingest was
 *     started without --recipient, so serve's support address is the recipient, as before.
 */
export const INGEST_SOCKET_FILE = 'ingest.sock';
export const UNKNOWN_SENDER_PARAM = 'X-UNKNOWN-SENDER';
export const DEFAULT_RECIPIENT = 'postmaster';

export function ingestSocketPath(dataDir: string): string {
  return join(dataDir, INGEST_SOCKET_FILE);
}

/**
 * Seeds a help desk of `cases` cases with `messagesPerCase` messages each straight into the
 * database (100,000 × 10 = 1,000,000 for the full run), spread over the given customers, so that
 * the HTTP figures are taken on a database of a busy desk's size. Every message contains the
 * word COMMON_WORD, the worst case for a full-text search; the other words follow a Zipf-like
 * spread over a vocabulary of German and English support words and product codes.
 *
 * Rows go in through the same tables and triggers (SQLite FTS5) or expression indexes
 * (PostgreSQL GIN) as in production, in batches inside transactions.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

export const COMMON_WORD = 'danke';
/** Case numbers of the seeded cases start here, far above those the benchmark opened itself. */
export const FIRST_SEEDED_CASE = 5_000_000;

const WORDS = (
  'export import fehler error server dienst service lizenz licence update version datenbank database ' +
  'protokoll log verbindung connection proxy firewall benutzer user passwort password drucker printer ' +
  'bericht report rechnung invoice schnittstelle interface zertifikat certificate backup sicherung ' +
  'installation konfiguration configuration timeout absturz crash langsam slow speicher memory ' +
  'festplatte disk netzwerk network anmeldung login berechtigung permission tabelle table abfrage query ' +
  'bitte please hallo hello gruesse regards kunde customer ticket anfrage request problem loesung solution'
).split(' ');

function words(n: number, seed: number): string {
  const out: string[] = [];
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // Zipf-like: low indexes far more often; every 7th word a product code from a long tail.
    const r = x / 2 ** 32;
    out.push(i % 7 === 6 ? `p${Math.floor(r * 50_000)}` : WORDS[Math.floor(WORDS.length * r * r)]!);
  }
  return out.join(' ');
}

export interface SeedLarge {
  cases: number;
  messagesPerCase: number;
  customerIds: string[];
  agentId: string;
}

function rows(s: SeedLarge, from: number, to: number, now: number) {
  const cases: unknown[][] = [];
  const messages: unknown[][] = [];
  for (let i = from; i < to; i++) {
    const id = randomUUID();
    const t0 = new Date(now - (s.cases - i) * 60_000).toISOString();
    const customer = s.customerIds[i % s.customerIds.length]!;
    const status = ['new', 'open', 'open', 'waiting_for_customer', 'closed'][i % 5]!;
    cases.push([id, FIRST_SEEDED_CASE + i, `Anfrage ${i}: ${words(5, i)}`, status, 'portal', customer, null, t0, t0, t0, status === 'closed' ? t0 : null, i % 3 === 0 ? s.agentId : null]);
    for (let m = 0; m < s.messagesPerCase; m++) {
      const agent = m % 2 === 1;
      messages.push([randomUUID(), id, agent ? s.agentId : customer, agent ? 'agent_reply' : 'customer_reply', agent ? 'agent' : 'email', `${words(40, i * 31 + m)} ${COMMON_WORD}`, new Date(Date.parse(t0) + m * 1000).toISOString()]);
    }
  }
  return { cases, messages };
}

const CASE_COLUMNS = 'id, number, subject, status, channel, customer_id, organisation_id, created_at, updated_at, last_activity_at, closed_at, assignee_id';
const MESSAGE_COLUMNS = 'id, case_id, author_id, kind, source, body_text, created_at';
const BATCH = 2_000;

export async function seedLarge(databaseUrl: string, s: SeedLarge, progress: (done: number) => void = () => undefined): Promise<void> {
  const now = Date.now();
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    const insertCase = db.prepare(`insert into cases (${CASE_COLUMNS}) values (${CASE_COLUMNS.split(',').map(() => '?').join(',')})`);
    const insertMessage = db.prepare(`insert into messages (${MESSAGE_COLUMNS}) values (${MESSAGE_COLUMNS.split(',').map(() => '?').join(',')})`);
    const batch = db.transaction((b: ReturnType<typeof rows>) => {
      for (const c of b.cases) insertCase.run(...c);
      for (const m of b.messages) insertMessage.run(...m);
    });
    for (let i = 0; i < s.cases; i += BATCH) {
      batch(rows(s, i, Math.min(s.cases, i + BATCH), now));
      progress(Math.min(s.cases, i + BATCH));
    }
    db.prepare(`update counters set value = ? where name = 'case_number'`).run(FIRST_SEEDED_CASE + s.cases);
    db.pragma('optimize');
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < s.cases; i += BATCH) {
      const b = rows(s, i, Math.min(s.cases, i + BATCH), now);
      const columns = (r: unknown[][], n: number) => Array.from({ length: n }, (_, k) => r.map((row) => row[k]));
      await client.query('begin');
      await client.query(
        `insert into cases (${CASE_COLUMNS}) select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::text[])`,
        columns(b.cases, 12),
      );
      await client.query(`insert into messages (${MESSAGE_COLUMNS}) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])`, columns(b.messages, 7));
      await client.query('commit');
      progress(Math.min(s.cases, i + BATCH));
    }
    await client.query(`update counters set value = $1 where name = 'case_number'`, [FIRST_SEEDED_CASE + s.cases]);
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

import { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import type { ArchiveEntry, EraseCounts, PersonRecords, PrivacyContext } from './ports.js';

/**
 * GDPR / DSGVO Art. 15 (access, as an export) and Art. 17 (erasure) for one e-mail address.
 * Both are audited: who, when, what (counts, never the data itself).
 *
 * Usage:
 *   await exportPerson(pctx, 'cli:root', 'eva@example.org', fileStream);
 *   await erasePerson(pctx, adminUser.id, 'eva@example.org', { force: false });
 */

/** What replaces an erased subject or message text: readable in both languages, searchable as neither. */
export const ERASED_PLACEHOLDER = '[gelöscht / erased]';

/** The audit actions of this module; the admin page lists exactly these. */
export const PRIVACY_AUDIT_ACTIONS = ['privacy.export', 'privacy.erase', 'privacy.retention'] as const;

const emailInput = z.string().trim().toLowerCase().email().max(320);

export function personEmail(input: unknown): string {
  return parseInput(z.object({ email: emailInput }), { email: input }).email;
}

function hasAnything(r: PersonRecords): boolean {
  return Boolean(
    r.account || r.cases.length || r.messages.length || r.inboundMails.length || r.outboundMails.length || r.participations.length || r.loginAttempts.length,
  );
}

async function recordsOf(p: PrivacyContext, email: string): Promise<PersonRecords> {
  const r = await p.privacy.people.collect(email);
  if (!hasAnything(r)) throw new AppError('person_not_found');
  return r;
}

/** The admin page's look-up: who it is and how much is stored, without the contents. */
export interface PersonSummary {
  email: string;
  account: { name: string; role: string; organisation: string | null; disabled: boolean; createdAt: string } | null;
  openCases: number[];
  counts: { cases: number; messages: number; attachments: number; inboundMails: number; outboundMails: number; sessions: number; apiTokens: number; participations: number };
}

export async function lookupPerson(p: PrivacyContext, emailRaw: unknown): Promise<PersonSummary> {
  const email = personEmail(emailRaw);
  const r = await recordsOf(p, email);
  return {
    email,
    account: r.account ? { name: r.account.name, role: r.account.role, organisation: r.organisation?.name ?? null, disabled: r.account.disabled, createdAt: r.account.createdAt } : null,
    openCases: r.cases.filter((c) => c.status !== 'closed').map((c) => c.number),
    counts: {
      cases: r.cases.length, messages: r.messages.length, attachments: r.attachments.length, inboundMails: r.inboundMails.length, outboundMails: r.outboundMails.length,
      sessions: r.sessions.length, apiTokens: r.apiTokens.length, participations: r.participations.length,
    },
  };
}

/** A file name inside the archive: the record id plus a tame version of the original name. */
function entryName(folder: string, id: string, name: string): string {
  const tame = name.normalize('NFC').replace(/[^\p{L}\p{N}._ -]+/gu, '_').replace(/^\.+/, '_').slice(0, 100) || 'file';
  return `${folder}/${id}-${tame}`;
}

/**
 * The ZIP of an export: `person.json` (every record, with the archive path of each file) plus
 * `mails/received/*.eml` (raw, as received), `mails/sent/*.eml` and `files/*` (attachments).
 * Returns what it wrote, for the caller's report.
 */
export async function exportPerson(p: PrivacyContext, actor: string | null, emailRaw: unknown, out: NodeJS.WritableStream): Promise<{ email: string; files: number; counts: Record<string, number> }> {
  const email = personEmail(emailRaw);
  const r = await recordsOf(p, email);
  const at = p.clock.now().toISOString();
  const entries: ArchiveEntry[] = [];
  const received = r.inboundMails.map((m) => {
    if (m.rawDeletedAt) return { ...m, file: null };
    const file = `mails/received/${m.id}.eml`;
    entries.push({ name: file, content: () => p.privacy.people.inboundRaw(m.id) });
    return { ...m, file };
  });
  const sent = r.outboundMails.map((m) => {
    const file = `mails/sent/${m.id}.eml`;
    entries.push({ name: file, content: async () => {
      const b = await p.privacy.people.outboundRaw(m.id);
      return b && b.length ? Readable.from([b]) : null;
    } });
    return { ...m, file };
  });
  const attachments = r.attachments.map((a) => {
    const file = entryName('files', a.id, a.filename);
    entries.push({ name: file, content: () => p.privacy.people.attachmentContent(a.id) });
    return { ...a, file };
  });
  const document = {
    format: 'supportal-person-export/1',
    exportedAt: at,
    email,
    about: {
      de: 'Alle zu dieser E-Mail-Adresse gespeicherten Daten (Art. 15 DSGVO). Passwörter und Zugangsschlüssel sind nur als Hash gespeichert und nicht enthalten.',
      en: 'Everything stored about this e-mail address (GDPR Art. 15). Passwords and access keys are stored only as hashes and are not included.',
    },
    account: r.account,
    organisation: r.organisation,
    settings: r.settings,
    cases: r.cases,
    participations: r.participations,
    messages: r.messages,
    attachments,
    receivedMails: received,
    sentMails: sent,
    sessions: r.sessions,
    apiTokens: r.apiTokens,
    oneTimeTokens: r.oneTimeTokens,
    loginAttempts: r.loginAttempts,
  };
  entries.unshift({ name: 'person.json', content: Buffer.from(JSON.stringify(document, null, 2) + '\n', 'utf8') });
  const counts = { cases: r.cases.length, messages: r.messages.length, attachments: attachments.length, receivedMails: received.length, sentMails: sent.length };
  await p.archive.writeZip(entries, out);
  await p.privacy.audit.recordAudit({ at, actor, action: 'privacy.export', target: email, detail: counts });
  return { email, files: entries.length, counts };
}

export interface EraseResult {
  email: string;
  counts: EraseCounts;
  /** False when the index rebuild or the database's clean-up after the erase failed (the rows are erased). */
  purged: boolean;
  /** Rows that still mention the address or name: an agent quoting the person in another's case. */
  residual: Array<{ table: string; id: string }>;
}

/**
 * Removes or anonymises everything about the person: the account row stays (cases point at it)
 * without name, address, password, sessions or tokens; their cases keep number, status, dates
 * and product but lose subject and texts; their mails keep the log row and lose the bytes, the
 * addresses and the subject; attachments and their bytes go. Refused while a case of theirs is
 * open unless `force` (which closes it).
 */
export async function erasePerson(p: PrivacyContext, actor: { id: string | null; label: string }, emailRaw: unknown, opts: { force?: boolean } = {}): Promise<EraseResult> {
  const email = personEmail(emailRaw);
  const r = await recordsOf(p, email);
  if (r.account && r.account.role !== 'customer') throw new AppError('person_is_staff');
  if (r.account && !opts.force) {
    const open = await p.privacy.people.openCaseNumbers(r.account.id);
    if (open.length) throw new AppError('person_has_open_cases', { de: `Die Person hat offene Fälle (${open.map((n) => `#${n}`).join(', ')}): Schließen Sie sie zuerst, oder löschen Sie erzwungen (das schließt sie).`, en: `The person has open cases (${open.map((n) => `#${n}`).join(', ')}): close them first, or erase with force (which closes them).` }, { cases: open });
  }
  const at = p.clock.now().toISOString();
  const { counts, purged } = await p.privacy.people.erase({ email, userId: r.account?.id ?? null, at, actorId: actor.id, placeholder: ERASED_PLACEHOLDER });
  const residual = await p.privacy.people.residualMentions([email, ...(r.account ? [r.account.name] : [])]);
  // The entry names the account id, not the address: the audit log must not undo the erasure.
  await p.privacy.audit.recordAudit({ at, actor: actor.label, action: 'privacy.erase', target: r.account ? `user:${r.account.id}` : null, detail: { ...counts, forced: Boolean(opts.force), purged, residual: residual.length } });
  return { email, counts, purged, residual };
}

export async function privacyAuditLog(p: PrivacyContext, limit = 200) {
  return p.privacy.audit.auditEntries({ actions: [...PRIVACY_AUDIT_ACTIONS], limit });
}

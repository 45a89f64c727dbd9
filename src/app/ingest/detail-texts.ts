import type { Language } from '../../domain/case.js';

/**
 * The mail log's processing details in German and English. The pipeline's steps write their
 * findings as short English lines (`stop(…, detail)`, `p.notes`), joined with "; " into the
 * stored detail; this catalogue reads each line back as a code with its values and says it in
 * both languages, so that a German desk reads German. A line no entry knows (a parser's own
 * message, a library's error) keeps its English words, marked `untranslated`.
 */
export interface DetailPart {
  code: string;
  params: Record<string, string>;
  text: Record<Language, string>;
  /** The line is shown as it was written (English): no entry of the catalogue knows it. */
  untranslated?: true;
}

type Entry = { code: string; match: RegExp; de: string; en?: string };

const WHAT_DE: Record<string, string> = { receipt: 'keine Eingangsbestätigung', notice: 'kein Hinweis' };

/** First match wins: the specific file findings come before the general `file: problem`. */
const CATALOGUE: readonly Entry[] = [
  { code: 'no_case_reference', match: /^no case reference in headers, recipient or subject$/, de: 'kein Fallbezug in den Kopfzeilen, der Empfängeradresse oder dem Betreff' },
  { code: 'case_not_found', match: /^subject names case (?<case>\d+), which does not exist$/, de: 'der Betreff nennt Fall {case}, den es nicht gibt' },
  { code: 'no_from', match: /^the mail has no From address$/, de: 'die E-Mail hat keine Absenderadresse (From)' },
  { code: 'sender_not_allowed', match: /^(?<sender>\S+) may not write to case (?<case>\d+)$/, de: '{sender} darf nicht zu Fall {case} schreiben' },
  { code: 'case_closed', match: /^case (?<case>\d+) is closed$/, de: 'Fall {case} ist geschlossen' },
  { code: 'encrypted', match: /^(?<kind>S\/MIME|PGP)-encrypted mail$/, de: '{kind}-verschlüsselte E-Mail' },
  { code: 'rich_text_failed', match: /^Outlook Rich Text \(winmail\.dat\) could not be decoded$/, de: 'Outlook-Rich-Text (winmail.dat) konnte nicht gelesen werden' },
  { code: 'rich_text_decoded', match: /^Outlook Rich Text decoded$/, de: 'Outlook-Rich-Text gelesen' },
  { code: 'not_scanned', match: /^attachments not scanned \(no scanner configured\)$/, de: 'Anhänge nicht auf Viren geprüft (kein Virenscanner eingerichtet)' },
  { code: 'scan_unavailable', match: /^virus scan unavailable: (?<why>.*)$/, de: 'Virenscan nicht verfügbar: {why}' },
  { code: 'too_large', match: /^(?<size>\d+) bytes, the limit is (?<limit>\d+)$/, de: '{size} Bytes, die Grenze ist {limit}' },
  { code: 'dmarc_failed', match: /^DMARC (?<dmarc>\S+), SPF (?<spf>\S+), DKIM (?<dkim>\S+)$/, de: 'DMARC {dmarc}, SPF {spf}, DKIM {dkim}' },
  { code: 'not_authenticated', match: /^sender not authenticated \(check off or not applicable to this channel\)$/, de: 'Absender nicht geprüft (Prüfung aus oder für diesen Eingangsweg nicht anwendbar)' },
  { code: 'duplicate_of', match: /^same Message-ID and body as mail (?<mail>\S+)$/, de: 'dieselbe Message-ID und derselbe Inhalt wie E-Mail {mail}' },
  { code: 'message_id_reused', match: /^Message-ID seen before with other content$/, de: 'Message-ID schon einmal mit anderem Inhalt erhalten' },
  { code: 'to_noreply', match: /^sent to the no-reply address$/, de: 'an die No-Reply-Adresse geschickt' },
  { code: 'signed', match: /^signed \((?<kind>[^)]+)\)$/, de: 'signiert ({kind})' },
  { code: 'mail_loop', match: /^mail loop: (?<why>.*)$/, de: 'Mail-Schleife: {why}' },
  { code: 'no_auto_reply_address', match: /^no (?<what>receipt|notice): no address to send it to$/, de: '{what}: keine Adresse, an die sie gehen könnte' },
  { code: 'no_auto_reply_own', match: /^no (?<what>receipt|notice): the sender is our own address$/, de: '{what}: der Absender ist unsere eigene Adresse' },
  { code: 'no_auto_reply_suppressed', match: /^no (?<what>receipt|notice): the sender asked for no automatic replies \(X-Auto-Response-Suppress\)$/, de: '{what}: der Absender bittet um keine automatischen Antworten (X-Auto-Response-Suppress)' },
  { code: 'no_backscatter', match: /^no notice: the sender is neither a known contact nor authenticated \(no backscatter\)$/, de: 'kein Hinweis: der Absender ist weder bekannt noch bestätigt (kein Backscatter)' },
  { code: 'loop_breaker', match: /^no (?<what>receipt|notice): (?<count>\d+) automatic mails to (?<to>\S+) in the last hour \(loop breaker\)$/, de: '{what}: {count} automatische E-Mails an {to} in der letzten Stunde (Schleifenschutz)' },
  { code: 'domain_cap', match: /^no notice: (?<count>\d+) notices to addresses at (?<domain>\S+) in the last hour \(per-domain cap\)$/, de: 'kein Hinweis: {count} Hinweise an Adressen bei {domain} in der letzten Stunde (Grenze je Domain)' },
  { code: 'no_reply_no_from', match: /^no (?<what>receipt|notice): the mail has no From address to judge the sender by$/, de: '{what}: die E-Mail hat keine Absenderadresse, nach der sich der Absender beurteilen ließe' },
  { code: 'no_reply_spf_refused', match: /^no (?<what>receipt|notice): SPF (?<spf>\S+) for the envelope sender and no DKIM signature of the From domain: the sender may be forged \(no backscatter\)$/, de: '{what}: SPF {spf} für den Umschlag-Absender und keine DKIM-Signatur der Absender-Domain: der Absender ist womöglich gefälscht (kein Backscatter)' },
  { code: 'no_reply_unverified', match: /^no (?<what>receipt|notice): the sender is not verified and the envelope sender (?<envelope>\S+) is not the From address \(no backscatter\)$/, de: '{what}: der Absender ist nicht bestätigt, und der Umschlag-Absender {envelope} ist nicht die Absenderadresse (kein Backscatter)' },
  { code: 'released_by_agent', match: /^released by an agent, not held again$/, de: 'von einem Mitarbeiter freigegeben, nicht erneut zurückgehalten' },
  { code: 'accepted_by_agent', match: /^let in by an agent \(user (?<user>\S+)\)$/, de: 'von einem Mitarbeiter angenommen (Benutzer {user})' },
  { code: 'receipt_without_subject', match: /^receipt without the case subject: the sender is not verified$/, de: 'Eingangsbestätigung ohne Betreff des Falls: der Absender ist nicht bestätigt' },
  { code: 'sender_not_verified', match: /^sender not verified: neither SPF nor DKIM passed for the From domain$/, de: 'Absender nicht bestätigt: weder SPF noch DKIM für die Absender-Domain bestanden' },
  { code: 'agent_accepted', match: /^no notice: an agent accepted the mail and sees this outcome$/, de: 'kein Hinweis: ein Mitarbeiter hat die E-Mail angenommen und sieht dieses Ergebnis' },
  { code: 'held_for_review', match: /^held for review \(setting: hold unverified senders\)$/, de: 'zur Prüfung zurückgehalten (Einstellung: unbestätigte Absender zurückhalten)' },
  { code: 'left_out_by_agent', match: /^left out by an agent: (?<files>.+)$/, de: 'von einem Mitarbeiter weggelassen: {files}' },
  { code: 'lmtp_untrusted', match: /^Received headers not trusted: LMTP peer (?<peer>\S+) is not a configured MTA \(SUPPORTAL_LMTP_TRUSTED_MTAS\)$/, de: 'Received-Kopfzeilen nicht vertrauenswürdig: LMTP-Gegenstelle {peer} ist kein eingetragener MTA (SUPPORTAL_LMTP_TRUSTED_MTAS)' },
  { code: 'image_type', match: /^(?<file>.+?): image type (?<type>\S+) is not allowed$/, de: '{file}: Bildtyp {type} ist nicht erlaubt' },
  { code: 'image_pixels', match: /^(?<file>.+?): image declares (?<pixels>\d+) pixels, more than (?<max>\d+)$/, de: '{file}: das Bild gibt {pixels} Pixel an, mehr als {max}' },
  { code: 'file_type', match: /^(?<file>.+?): type (?<type>\S+) is not allowed$/, de: '{file}: Dateityp {type} ist nicht erlaubt' },
  { code: 'archives_forbidden', match: /^(?<file>.+?): archives are not allowed$/, de: '{file}: Archive sind nicht erlaubt' },
  { code: 'too_many_archives', match: /^(?<file>.+?): (?<count>\d+) archives, at most (?<max>\d+) allowed$/, de: '{file}: {count} Archive, höchstens {max} erlaubt' },
  { code: 'archive_not_inspected', match: /^(?<file>.+?): archive was not inspected$/, de: '{file}: das Archiv wurde nicht geprüft' },
  { code: 'archive_encrypted', match: /^(?<file>.+?): encrypted$/, de: '{file}: verschlüsselt' },
];

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '');
}

/** One line of a detail as code, values and both languages. */
export function detailPart(line: string): DetailPart {
  for (const e of CATALOGUE) {
    const m = e.match.exec(line);
    if (!m) continue;
    const params = { ...(m.groups ?? {}) };
    const deParams = params.what ? { ...params, what: WHAT_DE[params.what] ?? params.what } : params;
    return { code: e.code, params, text: { de: fill(e.de, deParams), en: line } };
  }
  return { code: 'text', params: { text: line }, text: { de: line, en: line }, untranslated: true };
}

/** A stored detail ("a; b; c") as its parts, each in both languages. */
export function detailParts(detail: string | null): DetailPart[] {
  if (!detail) return [];
  return detail.split('; ').filter((l) => l.trim() !== '').map(detailPart);
}

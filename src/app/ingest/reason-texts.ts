import type { Language } from '../../domain/case.js';
import type { ReasonCode } from '../../domain/reason-codes.js';

/**
 * The explanation of each reason code in plain words, and what the sender can do. Used by the
 * notices, the mail log and docs/inbound.md. `{portal}` is replaced by the portal address.
 */
export const REASON_TEXTS: Record<ReasonCode, Record<Language, { text: string; advice: string }>> = {
  duplicate: {
    de: { text: 'Diese E-Mail ist bereits eingegangen.', advice: 'Nichts – die erste Zustellung wurde verarbeitet.' },
    en: { text: 'This e-mail had arrived already.', advice: 'Nothing – the first delivery was processed.' },
  },
  malformed: {
    de: { text: 'Die E-Mail ist technisch fehlerhaft und konnte nicht gelesen werden.', advice: 'Senden Sie die Nachricht bitte erneut oder schreiben Sie im Portal: {portal}' },
    en: { text: 'The e-mail is technically broken and could not be read.', advice: 'Please send the message again or write in the portal: {portal}' },
  },
  too_large: {
    de: { text: 'Die E-Mail ist größer als erlaubt.', advice: 'Senden Sie die Dateien bitte auf mehrere E-Mails verteilt, jede unter dem Größenlimit, oder verkleinern Sie Bilder; Ihre Fälle im Portal: {portal}' },
    en: { text: 'The e-mail is larger than allowed.', advice: 'Please send the files spread over several e-mails, each below the size limit, or make images smaller; your cases in the portal: {portal}' },
  },
  loop: {
    de: { text: 'Die E-Mail kreist zwischen Mailservern (Mail-Schleife).', advice: 'Bitte wenden Sie sich an Ihre IT.' },
    en: { text: 'The e-mail is looping between mail servers.', advice: 'Please contact your IT department.' },
  },
  auto_reply: {
    de: { text: 'Automatische Antwort (z. B. Abwesenheitsnotiz); sie wird nicht zum Fall hinzugefügt.', advice: 'Nichts.' },
    en: { text: 'Automatic reply (e.g. out of office); it is not added to the case.', advice: 'Nothing.' },
  },
  bounce: {
    de: { text: 'Unzustellbarkeitsnachricht eines Mailservers; sie wurde der ausgehenden E-Mail zugeordnet.', advice: 'Nichts.' },
    en: { text: 'A delivery failure report from a mail server; it was matched to the outgoing mail.', advice: 'Nothing.' },
  },
  auth_failed: {
    de: { text: 'Der Absender konnte nicht bestätigt werden (SPF/DKIM/DMARC); die E-Mail wurde zur Prüfung zurückgehalten.', advice: 'Bitten Sie Ihre IT, SPF/DKIM für Ihre Domain einzurichten, oder schreiben Sie im Portal: {portal}' },
    en: { text: 'The sender could not be verified (SPF/DKIM/DMARC); the e-mail was held back for a check.', advice: 'Ask your IT to set up SPF/DKIM for your domain, or write in the portal: {portal}' },
  },
  no_case_reference: {
    de: { text: 'Die E-Mail gehört zu keinem Fall. Fälle können nicht per E-Mail eröffnet werden.', advice: 'Eröffnen Sie einen Fall im Portal ({portal}) oder rufen Sie uns an. Auf unsere E-Mails zu einem Fall können Sie einfach antworten.' },
    en: { text: 'The e-mail does not belong to any case. Cases cannot be opened by e-mail.', advice: 'Open a case in the portal ({portal}) or call us. You can simply reply to our e-mails about a case.' },
  },
  unknown_sender: {
    de: { text: 'Ihre Adresse ist für diesen Vorgang nicht eingetragen.', advice: 'Schreiben Sie von der Adresse, mit der Sie im Portal angemeldet sind, oder nutzen Sie das Portal: {portal}' },
    en: { text: 'Your address is not registered for this request.', advice: 'Write from the address you use in the portal, or use the portal: {portal}' },
  },
  case_closed: {
    de: { text: 'Der Fall ist geschlossen und nimmt keine E-Mails mehr an.', advice: 'Öffnen Sie den Fall im Portal wieder und antworten Sie dort: {case}' },
    en: { text: 'The case is closed and no longer takes e-mails.', advice: 'Reopen the case in the portal and reply there: {case}' },
  },
  attachment_type: {
    de: { text: 'Ein Anhang hat einen nicht erlaubten Dateityp. Erlaubt sind Bilder (JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC) und ein ZIP-Archiv.', advice: 'Packen Sie die Dateien in ein ZIP-Archiv und senden Sie die E-Mail erneut, oder laden Sie das ZIP-Archiv im Portal beim Fall hoch: {case}' },
    en: { text: 'An attachment has a file type that is not allowed. Allowed are images (JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC) and one ZIP archive.', advice: 'Put the files into one ZIP archive and send the e-mail again, or upload the ZIP archive to the case in the portal: {case}' },
  },
  too_many_archives: {
    de: { text: 'Die E-Mail enthält mehr als ein Archiv; erlaubt ist ein ZIP-Archiv.', advice: 'Packen Sie alle Dateien in ein einziges ZIP-Archiv und senden Sie die E-Mail erneut, oder laden Sie es im Portal beim Fall hoch: {case}' },
    en: { text: 'The e-mail carries more than one archive; one ZIP archive is allowed.', advice: 'Put all files into a single ZIP archive and send the e-mail again, or upload it to the case in the portal: {case}' },
  },
  bad_archive: {
    de: { text: 'Das ZIP-Archiv ist beschädigt, verschlüsselt, enthält Archive oder unzulässige Pfade, oder ist zu groß entpackt.', advice: 'Erstellen Sie das ZIP-Archiv ohne Passwort und ohne Archive darin neu und senden Sie es erneut oder laden Sie es im Portal beim Fall hoch: {case}' },
    en: { text: 'The ZIP archive is damaged, encrypted, contains archives or unsafe paths, or is too large unpacked.', advice: 'Create the ZIP archive again without a password and without archives inside, and send it again or upload it to the case in the portal: {case}' },
  },
  encrypted: {
    de: { text: 'Die E-Mail ist verschlüsselt (S/MIME oder PGP) und kann nicht gelesen werden.', advice: 'Senden Sie sie bitte unverschlüsselt oder schreiben Sie im Portal beim Fall: {case}' },
    en: { text: 'The e-mail is encrypted (S/MIME or PGP) and cannot be read.', advice: 'Please send it unencrypted or write to the case in the portal: {case}' },
  },
  rich_text: {
    de: { text: 'Die E-Mail im Outlook-Format „Rich Text“ (winmail.dat) konnte nicht gelesen werden.', advice: 'Stellen Sie in Outlook unter Datei › Optionen › E-Mail das Nachrichtenformat auf HTML oder Nur-Text und senden Sie erneut.' },
    en: { text: 'The e-mail in Outlook "Rich Text" format (winmail.dat) could not be read.', advice: 'In Outlook, set File › Options › Mail › message format to HTML or Plain Text and send again.' },
  },
  virus: {
    de: { text: 'In einem Anhang wurde Schadsoftware gefunden; die E-Mail wurde zurückgehalten.', advice: 'Prüfen Sie Ihren Rechner und senden Sie die Dateien erneut.' },
    en: { text: 'Malware was found in an attachment; the e-mail was held back.', advice: 'Please check your computer and send the files again.' },
  },
  scan_unavailable: {
    de: { text: 'Die Virenprüfung ist vorübergehend nicht verfügbar; die E-Mail wird später verarbeitet.', advice: 'Nichts – sie wird automatisch erneut versucht.' },
    en: { text: 'The virus scan is unavailable for the moment; the e-mail will be processed later.', advice: 'Nothing – it is retried automatically.' },
  },
  processing_failed: {
    de: { text: 'Ein Fehler auf unserer Seite; die E-Mail wird später erneut verarbeitet.', advice: 'Nichts – sie wird automatisch erneut versucht.' },
    en: { text: 'A fault on our side; the e-mail will be processed again later.', advice: 'Nothing – it is retried automatically.' },
  },
};

/** The notice's line naming the refused files (empty when none): the same in the mail, its preview and the portal. */
export function offendingFilesLine(files: readonly string[], lang: Language, named = true): string {
  if (files.length === 0) return '';
  // File names are the sender's text: named only where the notice repeats the sender's words, else counted.
  const list = named ? files.join(', ') : String(files.length);
  return lang === 'de' ? `Betroffene Datei(en): ${list}` : `File(s) concerned: ${list}`;
}

export function reasonText(reason: ReasonCode, lang: Language, portalUrl: string, caseUrl?: string): { text: string; advice: string } {
  const t = REASON_TEXTS[reason][lang];
  return { text: t.text, advice: t.advice.replace('{portal}', portalUrl).replace('{case}', caseUrl ?? portalUrl) };
}

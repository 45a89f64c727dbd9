/**
 * Texts of the desk's page for one received mail (a rejected mail's text, files and the actions
 * that let it in), in both languages; en.ts and de.ts include them under `rejectedMail`, its
 * error codes under `errors` and its case-history event under `events`.
 */
export const rejectedMailEn = {
  title: 'Received mail',
  open: 'Read mail',
  back: 'Back to the mail log',
  reason: 'Why it was not accepted',
  text: 'What the sender wrote',
  quoted: 'Quoted history and signature',
  noText: '(no text)',
  attachments: 'Attachments',
  noAttachments: 'No attachments.',
  download: 'Download',
  downloadHint: 'Files are only downloaded, never opened in the browser. Open refused files with care.',
  verdict: { allowed: 'allowed', refused: 'refused' },
  unreadable: { content_deleted: 'The content of this mail was deleted.', malformed: 'The mail cannot be read (broken MIME structure).', loop: 'The mail is part of a mail loop and is not shown.' },
  encrypted: { smime: 'The mail is S/MIME-encrypted: its content cannot be read.', pgp: 'The mail is PGP-encrypted: its content cannot be read.' },
  actionsTitle: 'Accept anyway',
  actionsHint: 'The mail then goes through the checks again and is added to case #{{number}}; the sender gets the usual receipt. The action is recorded in the case history and the audit log.',
  action: {
    add_contact: 'Add {{sender}} as a contact of {{organisation}} and accept',
    reopen_case: 'Reopen case #{{number}} and accept',
    without_attachments: 'Accept without the refused attachments',
  },
  queued: 'Accepted: the mail is being processed again.',
  errors: {
    mail_not_acceptable: 'This mail cannot be accepted this way (any more).',
    sender_has_account: 'The sender has an account already: change it in the user administration.',
    mail_unreadable: 'The mail cannot be read.',
  },
  events: { mail_accepted: 'Rejected mail accepted by an agent' },
};

export const rejectedMailDe: typeof rejectedMailEn = {
  title: 'Empfangene E-Mail',
  open: 'E-Mail lesen',
  back: 'Zurück zum E-Mail-Protokoll',
  reason: 'Warum sie nicht angenommen wurde',
  text: 'Was der Absender geschrieben hat',
  quoted: 'Zitierter Verlauf und Signatur',
  noText: '(kein Text)',
  attachments: 'Anhänge',
  noAttachments: 'Keine Anhänge.',
  download: 'Herunterladen',
  downloadHint: 'Dateien werden nur heruntergeladen, nie im Browser geöffnet. Abgelehnte Dateien mit Vorsicht öffnen.',
  verdict: { allowed: 'erlaubt', refused: 'abgelehnt' },
  unreadable: { content_deleted: 'Der Inhalt dieser E-Mail wurde gelöscht.', malformed: 'Die E-Mail ist nicht lesbar (fehlerhafte MIME-Struktur).', loop: 'Die E-Mail gehört zu einer Mail-Schleife und wird nicht angezeigt.' },
  encrypted: { smime: 'Die E-Mail ist mit S/MIME verschlüsselt: ihr Inhalt ist nicht lesbar.', pgp: 'Die E-Mail ist mit PGP verschlüsselt: ihr Inhalt ist nicht lesbar.' },
  actionsTitle: 'Trotzdem annehmen',
  actionsHint: 'Die E-Mail durchläuft dann die Prüfungen erneut und wird Fall #{{number}} hinzugefügt; der Absender erhält die übliche Eingangsbestätigung. Die Aktion wird im Fallverlauf und im Prüfprotokoll vermerkt.',
  action: {
    add_contact: '{{sender}} als Kontakt von {{organisation}} hinzufügen und annehmen',
    reopen_case: 'Fall #{{number}} wieder öffnen und annehmen',
    without_attachments: 'Ohne die abgelehnten Anhänge annehmen',
  },
  queued: 'Angenommen: die E-Mail wird erneut verarbeitet.',
  errors: {
    mail_not_acceptable: 'Diese E-Mail kann so nicht (mehr) angenommen werden.',
    sender_has_account: 'Der Absender hat bereits ein Konto: ändern Sie es in der Benutzerverwaltung.',
    mail_unreadable: 'Die E-Mail ist nicht lesbar.',
  },
  events: { mail_accepted: 'Abgelehnte E-Mail vom Support angenommen' },
};

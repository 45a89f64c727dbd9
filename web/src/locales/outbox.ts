/**
 * Texts of the outbox viewer, "reply as the customer" and the first-run guide, in both languages
 * (kept in their own file; en.ts and de.ts include them under `outbox` and `guide`).
 */
export const outboxEn = {
  nav: 'Outbox',
  title: 'Outbox',
  intro: 'Every mail Supportal sent or holds. Without a relay nothing leaves this server: the mails are held here, readable as the recipient would see them.',
  noRelay: 'No relay is configured: mails are held in the outbox.',
  filterKind: 'Kind', filterStatus: 'Delivery state', none: 'No mails.',
  time: 'Time', open: 'Open', openMail: 'Open mail: {{subject}}',
  mailTitle: 'Sent mail', back: 'Back to the outbox',
  tabs: 'Views of the mail', tabHtml: 'HTML', tabText: 'Text', tabHeaders: 'Headers', tabAttachments_one: 'Attachment ({{count}})', tabAttachments_other: 'Attachments ({{count}})',
  htmlTitle: 'HTML version of the sent mail (sandboxed)', noHtml: 'This mail has no HTML part.', noText: 'This mail has no text part.', noAttachments: 'No attachments.',
  downloadEml: 'Download .eml', size: '{{kb}} KB', headerName: 'Header', headerValue: 'Value', messageId: 'Message-ID',
  viewInOutbox: 'View', replyAsCustomerLink: 'Reply as the customer',
  reply: {
    title: 'Reply as the customer',
    intro: 'Demo only (no relay configured): write the answer {{name}} would send. Supportal builds a real reply with the headers a mail client sets and delivers it through its own SMTP listener, exactly like a mail from outside.',
    text: 'Answer', textDefault: 'Thank you, here is the screenshot you asked for.',
    style: 'Mail client', styles: { plain: 'Plain text with > quoting (Thunderbird)', outlook: 'Outlook (HTML, "From: … Sent: …")', gmail: 'Gmail (HTML quote block)' },
    files: 'Attachments', send: 'Send reply',
    badTitle: 'One-click bad replies', badIntro: 'Each of these is refused; the customer gets a notice saying why.',
    variants: { pdf: 'With a PDF attachment', two_zips: 'With two ZIP archives', closed_case: 'To a closed case', changed_subject: 'Changed subject, no headers' },
    delivered: 'Delivered to the SMTP listener as mail {{id}} ({{size}} bytes).', waiting: 'Waiting for the outcome…',
    outcome: 'Outcome', openMailLog: 'Open in the mail log', customersLog: 'The customer sees it on "E-mail replies".',
  },
};

export const guideEn = {
  title: 'Getting started: see the whole e-mail loop',
  intro: 'Three steps show what your customers experience. No mail server is needed.',
  step1: 'Answer the demo case "{{subject}}" (case #{{number}}).',
  step1Fallback: 'Open a case in the queues and answer it.',
  step2: 'In the outbox, open your answer and use "Reply as the customer" — once with a good reply, once with a bad one.',
  step3: 'Look at the customer\'s e-mail log: each reply with ✓ or ✗ and the reason (log in as {{email}}, or see the mail log here).',
  openCase: 'Open the case', openOutbox: 'Open the outbox', openMailLog: 'Open the mail log',
  dismiss: 'Hide the guide',
};

export const outboxDe: typeof outboxEn = {
  nav: 'Postausgang',
  title: 'Postausgang',
  intro: 'Jede E-Mail, die Supportal versendet hat oder zurückhält. Ohne Relay verlässt nichts diesen Server: Die E-Mails bleiben hier und lassen sich lesen, wie der Empfänger sie sähe.',
  noRelay: 'Kein Relay konfiguriert: E-Mails werden im Postausgang zurückgehalten.',
  filterKind: 'Art', filterStatus: 'Zustellung', none: 'Keine E-Mails.',
  time: 'Zeit', open: 'Öffnen', openMail: 'E-Mail öffnen: {{subject}}',
  mailTitle: 'Versandte E-Mail', back: 'Zurück zum Postausgang',
  tabs: 'Ansichten der E-Mail', tabHtml: 'HTML', tabText: 'Text', tabHeaders: 'Kopfzeilen', tabAttachments_one: 'Anhang ({{count}})', tabAttachments_other: 'Anhänge ({{count}})',
  htmlTitle: 'HTML-Fassung der versandten E-Mail (abgeschottet)', noHtml: 'Diese E-Mail hat keinen HTML-Teil.', noText: 'Diese E-Mail hat keinen Textteil.', noAttachments: 'Keine Anhänge.',
  downloadEml: '.eml herunterladen', size: '{{kb}} KB', headerName: 'Kopfzeile', headerValue: 'Wert', messageId: 'Message-ID',
  viewInOutbox: 'Ansehen', replyAsCustomerLink: 'Als Kunde antworten',
  reply: {
    title: 'Als Kunde antworten',
    intro: 'Nur zur Vorführung (kein Relay konfiguriert): Schreiben Sie die Antwort, die {{name}} senden würde. Supportal baut eine echte Antwort mit den Kopfzeilen eines Mailprogramms und stellt sie über den eigenen SMTP-Empfang zu – genau wie eine E-Mail von außen.',
    text: 'Antwort', textDefault: 'Danke, anbei der gewünschte Screenshot.',
    style: 'Mailprogramm', styles: { plain: 'Reiner Text mit >-Zitat (Thunderbird)', outlook: 'Outlook (HTML, „Von: … Gesendet: …“)', gmail: 'Gmail (HTML-Zitatblock)' },
    files: 'Anhänge', send: 'Antwort senden',
    badTitle: 'Fehlerhafte Antworten mit einem Klick', badIntro: 'Jede davon wird abgelehnt; der Kunde erhält einen Hinweis mit dem Grund.',
    variants: { pdf: 'Mit PDF-Anhang', two_zips: 'Mit zwei ZIP-Archiven', closed_case: 'An einen geschlossenen Fall', changed_subject: 'Geänderter Betreff, ohne Kopfzeilen' },
    delivered: 'An den SMTP-Empfang zugestellt als E-Mail {{id}} ({{size}} Bytes).', waiting: 'Warte auf das Ergebnis…',
    outcome: 'Ergebnis', openMailLog: 'Im Mail-Protokoll öffnen', customersLog: 'Der Kunde sieht es unter „E-Mail-Antworten“.',
  },
};

export const guideDe: typeof guideEn = {
  title: 'Erste Schritte: den ganzen E-Mail-Kreislauf sehen',
  intro: 'Drei Schritte zeigen, was Ihre Kunden erleben. Ein Mailserver ist dafür nicht nötig.',
  step1: 'Beantworten Sie den Demo-Fall „{{subject}}“ (Fall #{{number}}).',
  step1Fallback: 'Öffnen Sie einen Fall unter „Fälle“ und beantworten Sie ihn.',
  step2: 'Öffnen Sie im Postausgang Ihre Antwort und nutzen Sie „Als Kunde antworten“ – einmal mit einer guten, einmal mit einer fehlerhaften Antwort.',
  step3: 'Sehen Sie sich das E-Mail-Protokoll des Kunden an: jede Antwort mit ✓ oder ✗ und dem Grund (melden Sie sich als {{email}} an oder sehen Sie hier ins Mail-Protokoll).',
  openCase: 'Fall öffnen', openOutbox: 'Postausgang öffnen', openMailLog: 'Mail-Protokoll öffnen',
  dismiss: 'Anleitung ausblenden',
};

import type { Language } from '../domain/case.js';

/**
 * A sentence a person reads, in both languages of the project. Errors carry both, and each
 * reader (the HTTP mapper, the CLI) picks the one its reader speaks: a use case does not know who
 * reads it.
 */
export type Text = Readonly<Record<Language, string>>;

/**
 * One registry of the errors a use case can report. The HTTP adapter maps `status` and answers
 * `message` in the reader's language; the CLI prints it as one line and exits 1. docs/errors.md
 * has a row for each code.
 */
export const ERRORS = {
  invalid_input: { status: 400, message: { de: 'Die Eingabe ist ungültig.', en: 'The input is invalid.' } },
  unauthenticated: { status: 401, message: { de: 'Bitte melden Sie sich an.', en: 'Please log in.' } },
  login_failed: { status: 401, message: { de: 'Die E-Mail-Adresse oder das Passwort ist falsch.', en: 'The e-mail address or the password is wrong.' } },
  forbidden: { status: 403, message: { de: 'Das dürfen Sie nicht.', en: 'You may not do this.' } },
  email_unverified: { status: 403, message: { de: 'Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse; wir haben Ihnen einen Link geschickt.', en: 'Please confirm your e-mail address first; we sent you a link.' } },
  csrf_failed: { status: 403, message: { de: 'Die Anfrage kam nicht vom Portal (CSRF-Token fehlt oder ist falsch). Bitte laden Sie die Seite neu.', en: 'The request was not sent by the portal (CSRF token missing or wrong).' } },
  not_found: { status: 404, message: { de: 'Nicht gefunden.', en: 'Not found.' } },
  token_invalid: { status: 400, message: { de: 'Der Link ist ungültig, abgelaufen oder wurde schon benutzt.', en: 'The link is invalid, expired or used already.' } },
  password_wrong: { status: 400, message: { de: 'Das aktuelle Passwort ist falsch.', en: 'The current password is wrong.' } },
  case_not_found: { status: 404, message: { de: 'Diesen Fall gibt es nicht.', en: 'There is no such case.' } },
  user_not_found: { status: 404, message: { de: 'Diesen Benutzer gibt es nicht.', en: 'There is no such user.' } },
  mail_not_found: { status: 404, message: { de: 'Diese E-Mail gibt es nicht.', en: 'There is no such mail.' } },
  email_taken: { status: 409, message: { de: 'Ein Benutzer mit dieser E-Mail-Adresse existiert bereits.', en: 'A user with this e-mail address exists already.' } },
  case_closed: { status: 409, message: { de: 'Der Fall ist geschlossen.', en: 'The case is closed.' } },
  case_not_closed: { status: 409, message: { de: 'Der Fall ist nicht geschlossen.', en: 'The case is not closed.' } },
  person_not_found: { status: 404, message: { de: 'Zu dieser E-Mail-Adresse ist nichts gespeichert.', en: 'Nothing is stored about this e-mail address.' } },
  person_has_open_cases: { status: 409, message: { de: 'Die Person hat offene Fälle: Schließen Sie sie zuerst, oder löschen Sie erzwungen (das schließt sie).', en: 'The person has open cases: close them first, or erase with force (which closes them).' } },
  person_is_staff: { status: 409, message: { de: 'Mitarbeitende und Admins werden nicht gelöscht: Sperren Sie stattdessen das Konto (ihre Antworten gehören zu den Fällen der Kunden).', en: 'Agents and admins are not erased: disable the account instead (their replies belong to the customers\' cases).' } },
  not_reprocessable: { status: 409, message: { de: 'Nur zurückgehaltene, zurückgestellte oder gescheiterte E-Mails können neu verarbeitet werden.', en: 'Only quarantined, deferred or dead mails can be processed again.' } },
  attachment_rejected: { status: 422, message: { de: 'Ein Anhang ist nicht erlaubt.', en: 'An attachment is not allowed.' } },
  too_large: { status: 413, message: { de: 'Der Upload ist zu groß.', en: 'The upload is too large.' } },
  rate_limited: { status: 429, message: { de: 'Zu viele Versuche; bitte versuchen Sie es später erneut.', en: 'Too many attempts; try again later.' } },
  unavailable: { status: 503, message: { de: 'Ein Dienst, den wir brauchen, ist nicht verfügbar; bitte versuchen Sie es gleich noch einmal.', en: 'A service we depend on is unavailable; try again shortly.' } },
  internal: { status: 500, message: { de: 'Bei uns ist ein Fehler aufgetreten.', en: 'Something went wrong on our side.' } },
  demo_only: { status: 409, message: { de: 'Diese Demo-Funktion geht nur, solange kein Relay eingerichtet ist und der SMTP-Listener läuft.', en: 'This demo feature works only while no relay is configured and the SMTP listener runs.' } },
  // Rejected mails in the desk (src/app/desk/rejected-mail.ts).
  mail_not_acceptable: { status: 409, message: { de: 'Diese E-Mail kann so nicht angenommen werden.', en: 'This mail cannot be accepted this way.' } },
  sender_has_account: { status: 409, message: { de: 'Der Absender hat bereits ein Konto; ändern Sie es in der Benutzerverwaltung.', en: 'The sender has an account already; change it in the user administration.' } },
  mail_unreadable: { status: 422, message: { de: 'Die E-Mail kann nicht gelesen werden.', en: 'The mail cannot be read.' } },
  mailbox_not_found: { status: 404, message: { de: 'Dieses Postfach gibt es nicht.', en: 'There is no such mailbox.' } },
  cannot_disable_self: { status: 409, message: { de: 'Sie können Ihr eigenes Konto nicht sperren: Das kann nur ein anderer Admin.', en: 'You cannot disable your own account: another admin can.' } },
} as const satisfies Record<string, { status: number; message: Text }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * An error a use case reports: a registry `code` and `details` for machines, and a sentence in
 * German and English for people. `text` is the specific sentence (the code's own when none is
 * given); `message` is its English side, so that logs and stack traces read as before.
 *
 * Usage:
 *   throw new AppError('case_not_found', { de: `es gibt keinen Fall ${n}`, en: `there is no case ${n}` });
 *   res.send({ message: err.text[readerLanguage] });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly text: Text;
  constructor(code: ErrorCode, text?: Text, details?: Record<string, unknown>) {
    const t = text ?? ERRORS[code].message;
    super(t.en);
    this.name = 'AppError';
    this.code = code;
    this.text = t;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

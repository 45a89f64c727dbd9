/**
 * One registry of the errors a use case can report. The HTTP adapter maps `status`; the CLI
 * prints `message` as one line and exits 1. docs/errors.md has a row for each code.
 */
export const ERRORS = {
  invalid_input: { status: 400, message: 'The input is invalid.' },
  unauthenticated: { status: 401, message: 'Please log in.' },
  login_failed: { status: 401, message: 'The e-mail address or the password is wrong.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  email_unverified: { status: 403, message: 'Please confirm your e-mail address first; we sent you a link.' },
  csrf_failed: { status: 403, message: 'The request was not sent by the portal (CSRF token missing or wrong).' },
  not_found: { status: 404, message: 'Not found.' },
  token_invalid: { status: 400, message: 'The link is invalid, expired or used already.' },
  password_wrong: { status: 400, message: 'The current password is wrong.' },
  case_not_found: { status: 404, message: 'There is no such case.' },
  user_not_found: { status: 404, message: 'There is no such user.' },
  mail_not_found: { status: 404, message: 'There is no such mail.' },
  email_taken: { status: 409, message: 'A user with this e-mail address exists already.' },
  case_closed: { status: 409, message: 'The case is closed.' },
  case_not_closed: { status: 409, message: 'The case is not closed.' },
  person_not_found: { status: 404, message: 'Nothing is stored about this e-mail address.' },
  person_has_open_cases: { status: 409, message: 'The person has open cases: close them first, or erase with force (which closes them).' },
  person_is_staff: { status: 409, message: 'Agents and admins are not erased: disable the account instead (their replies belong to the customers\' cases).' },
  not_reprocessable: { status: 409, message: 'Only quarantined, deferred or dead mails can be processed again.' },
  attachment_rejected: { status: 422, message: 'An attachment is not allowed.' },
  too_large: { status: 413, message: 'The upload is too large.' },
  rate_limited: { status: 429, message: 'Too many attempts; try again later.' },
  unavailable: { status: 503, message: 'A service we depend on is unavailable; try again shortly.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
  demo_only: { status: 409, message: 'This demo feature works only while no relay is configured and the SMTP listener runs.' },
  // Rejected mails in the desk (src/app/desk/rejected-mail.ts).
  mail_not_acceptable: { status: 409, message: 'This mail cannot be accepted this way.' },
  sender_has_account: { status: 409, message: 'The sender has an account already; change it in the user administration.' },
  mail_unreadable: { status: 422, message: 'The mail cannot be read.' },
  mailbox_not_found: { status: 404, message: 'There is no such mailbox.' },
  cannot_disable_self: { status: 409, message: 'You cannot disable your own account: another admin can.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** What both ways of `supportal ingest` share (the handoff to serve and processing in-process). */

/** EX_TEMPFAIL (sysexits.h): the MTA keeps the mail and retries (RELIABILITY promise 2, T9). */
export const EX_TEMPFAIL = 75;
/** sysexits.h EX_UNAVAILABLE: the MTA returns the mail to its sender instead of retrying it. */
export const EX_UNAVAILABLE = 69;

/** The command's options, as given: the envelope passes through unchanged. */
export interface IngestOptions {
  file?: string;
  sender?: string;
  recipient?: string[];
}

/** Parsing bounds from RELIABILITY §6, each with the reason for its number. */
export interface ParseLimits {
  /** Top-level header block: 1 MiB, 1 000× a typical header block of ~1 KB. */
  maxHeaderBytes: number;
  /** MIME parts: 1 000; beyond that the rest of the mail is cut off (noted as truncated). */
  maxParts: number;
  /** Multipart/message nesting: 50; real clients nest less than 10 deep. */
  maxDepth: number;
  /** Addresses in one address header: 1 000 (a larger list is a spam run, not a support reply). */
  maxAddressesPerHeader: number;
  /** `Received:` fields: more than 100 is a loop (RFC 5321 §6.3 suggests at least 100). */
  maxReceived: number;
  /** CPU time for one mail in the parse worker, in milliseconds. */
  cpuBudgetMs: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxHeaderBytes: 1024 * 1024,
  maxParts: 1000,
  maxDepth: 50,
  maxAddressesPerHeader: 1000,
  maxReceived: 100,
  cpuBudgetMs: 2000,
});

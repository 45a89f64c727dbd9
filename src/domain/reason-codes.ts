/**
 * Every inbound mail ends in exactly one status; every status but `accepted` carries one stable
 * reason code. The codes are part of the public contract (CLI `--json`, the API, docs/inbound.md):
 * never rename one, only add.
 */
export const INBOUND_STATUSES = ['received', 'accepted', 'rejected', 'ignored', 'duplicate', 'quarantined', 'deferred'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

export const REASON_CODES = [
  'duplicate',
  'malformed',
  'too_large',
  'loop',
  'auto_reply',
  'bounce',
  'auth_failed',
  'no_case_reference',
  'unknown_sender',
  'case_closed',
  'attachment_type',
  'too_many_archives',
  'bad_archive',
  'encrypted',
  'rich_text',
  'virus',
  'scan_unavailable',
  'processing_failed',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export function isReasonCode(value: string): value is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(value);
}

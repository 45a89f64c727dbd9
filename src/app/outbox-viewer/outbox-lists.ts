import type { OutboundKind, OutboundStatus } from '../../domain/entities.js';

/** Every kind of outgoing mail, for the outbox filter (the compiler keeps it complete). */
export const OUTBOUND_KINDS_SHOWN = ['agent_reply', 'receipt', 'notice', 'case_opened', 'signup', 'password_reset', 'agent_notification'] as const satisfies readonly OutboundKind[];
/** Every delivery state of an outgoing mail. */
export const OUTBOUND_STATUSES_SHOWN = ['held', 'queued', 'sending', 'sent', 'retrying', 'failed', 'bounced'] as const satisfies readonly OutboundStatus[];

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
// A new kind or state that is not listed here fails to compile.
export const KINDS_COMPLETE: Missing<OutboundKind, (typeof OUTBOUND_KINDS_SHOWN)[number]> = true;
export const STATUSES_COMPLETE: Missing<OutboundStatus, (typeof OUTBOUND_STATUSES_SHOWN)[number]> = true;

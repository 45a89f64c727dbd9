/**
 * Cases and their life cycle. Pure rules: who may move a case where, and what a reply does to it.
 */
export const CASE_STATUSES = ['new', 'open', 'waiting_for_customer', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_CHANNELS = ['portal', 'phone'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export const MESSAGE_KINDS = ['customer_reply', 'agent_reply', 'internal_note'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_SOURCES = ['portal', 'email', 'phone', 'agent'] as const;
export type MessageSource = (typeof MESSAGE_SOURCES)[number];

export const USER_ROLES = ['customer', 'agent', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The first case number: five digits from the start, so that numbers look alike for years. */
export const FIRST_CASE_NUMBER = 10001;

/** Only open cases take e-mail replies; a closed case is reopened in the portal. */
export function acceptsEmailReply(status: CaseStatus): boolean {
  return status !== 'closed';
}

/** A customer's reply puts a case that waited for them back into the agents' queue. */
export function statusAfterCustomerReply(status: CaseStatus): CaseStatus {
  return status === 'waiting_for_customer' ? 'open' : status;
}

/** An agent's answer hands the case to the customer unless it is closed. */
export function statusAfterAgentReply(status: CaseStatus): CaseStatus {
  return status === 'closed' ? status : 'waiting_for_customer';
}

export type CaseTransitionError = 'already_closed' | 'not_closed';

export function closeTransition(status: CaseStatus): CaseTransitionError | null {
  return status === 'closed' ? 'already_closed' : null;
}

export function reopenTransition(status: CaseStatus): CaseTransitionError | null {
  return status === 'closed' ? null : 'not_closed';
}

export function isStaff(role: UserRole): boolean {
  return role === 'agent' || role === 'admin';
}

/** Lower-cases and trims an address: addresses are compared case-insensitively everywhere. */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

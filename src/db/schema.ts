import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings in both
 * databases (the PostgreSQL adapter parses timestamptz to such strings), booleans are 0/1
 * integers (better-sqlite3 cannot bind booleans), ids are random text (W2: never guessable).
 */
export interface OrganisationTable { id: string; name: string; customer_no: string | null; created_at: string }

export interface UserTable {
  id: string;
  email: string;
  name: string;
  role: string;
  language: string;
  password_hash: string | null;
  disabled: number;
  email_verified: number;
  organisation_id: string | null;
  org_admin: number;
  mail_failing_since: string | null;
  mail_failing_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProductTable { id: string; name: string; active: number; created_at: string }
export interface ProductVersionTable { id: string; product_id: string; name: string; created_at: string }
export interface CounterTable { name: string; value: number }

export interface CaseTable {
  id: string;
  number: number;
  subject: string;
  status: string;
  channel: string;
  customer_id: string;
  organisation_id: string | null;
  product_id: string | null;
  version: string | null;
  environment: string | null;
  assignee_id: string | null;
  created_at: string;
  updated_at: string;
  last_activity_at: string;
  closed_at: string | null;
}

export interface CaseEventTable {
  id: string;
  case_id: string;
  kind: string;
  actor_id: string | null;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
  at: string;
}

export interface CaseParticipantTable { case_id: string; email: string; added_by: string | null; created_at: string }

export interface MessageTable {
  id: string;
  case_id: string;
  author_id: string | null;
  author_email: string | null;
  kind: string;
  source: string;
  body_text: string;
  body_html: string | null;
  quoted_text: string | null;
  inbound_mail_id: string | null;
  outbound_mail_id: string | null;
  created_at: string;
  /** 008: 1 when the From of the mail could not be verified (RELIABILITY E4). */
  sender_unverified?: number;
}

export interface BlobTable { sha256: string; size: number; content: Buffer; chunks: number; created_at: string }
export interface BlobChunkTable { sha256: string; seq: number; data: Buffer }

export interface InboundMailChunkTable { mail_id: string; seq: number; data: Buffer; created_at: string }

export interface AttachmentTable {
  id: string;
  case_id: string;
  message_id: string | null;
  filename: string;
  detected_type: string | null;
  size: number;
  sha256: string;
  scan: string;
  created_at: string;
}

export interface InboundMailTable {
  id: string;
  received_at: string;
  channel: string;
  envelope_from: string | null;
  envelope_to: string;
  remote_ip: string | null;
  message_id: string | null;
  sha256: string;
  size: number;
  raw: Buffer | null;
  raw_chunks: number;
  duplicate_of: string | null;
  from_address: string | null;
  subject: string | null;
  status: string;
  reason: string | null;
  detail: string | null;
  case_id: string | null;
  scan: string | null;
  auth: string | null;
  decisions: string | null;
  processed_at: string | null;
  processing_ms: number | null;
}

export interface OutboundMailTable {
  id: string;
  kind: string;
  case_id: string | null;
  inbound_mail_id: string | null;
  message_id: string;
  from_address: string;
  envelope_from: string;
  recipients: string;
  subject: string;
  language: string;
  raw: Buffer;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  locked_until: string | null;
  last_error: string | null;
  bounce_diagnostic: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface JobTable {
  id: string;
  kind: string;
  job_key: string | null;
  payload: string;
  status: string;
  attempts: number;
  run_at: string;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface Database {
  organisations: OrganisationTable;
  users: UserTable;
  products: ProductTable;
  product_versions: ProductVersionTable;
  counters: CounterTable;
  cases: CaseTable;
  case_events: CaseEventTable;
  case_participants: CaseParticipantTable;
  messages: MessageTable;
  blobs: BlobTable;
  blob_chunks: BlobChunkTable;
  attachments: AttachmentTable;
  inbound_mails: InboundMailTable;
  inbound_mail_chunks: InboundMailChunkTable;
  outbound_mails: OutboundMailTable;
  jobs: JobTable;
  audit_log: AuditLogTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  one_time_tokens: OneTimeTokenTable;
  login_attempts: LoginAttemptTable;
}

/** Web sessions; the id is kept only as its SHA-256 (`id_hash`). */
export interface SessionTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** E-mail verification and password-reset links, hashed, expiring, single use (W2). */
export interface OneTimeTokenTable {
  token_hash: string;
  purpose: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface LoginAttemptTable {
  id: string;
  kind: string;
  account: string | null;
  ip: string | null;
  success: number;
  at: string;
}

/** Per-user desk settings: the e-mail opt-in for agent notifications and the "read up to" mark. */
export interface UserSettingTable {
  user_id: string;
  notify_by_email: number;
  notifications_read_at: string | null;
  updated_at: string;
}

/** A product version that can no longer be chosen for a new case (its row is kept for old cases). */
export interface ProductVersionRetirementTable {
  version_id: string;
  retired_at: string;
}

/** Tables of migration 003 (declaration merging keeps the list above untouched). */
export interface Database {
  user_settings: UserSettingTable;
  product_version_retirements: ProductVersionRetirementTable;
}

/** An admin-edited installation setting: one JSON value per key (migration 004). */
export interface InstallationSettingTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
}

/** Tables of migration 004. */
export interface Database {
  installation_settings: InstallationSettingTable;
}

/** Columns of migration 007: a received mail whose raw bytes were deleted, when and why. */
export interface InboundMailTable {
  raw_deleted_at: string | null;
  /** 'retention' (the sweep, after `raw_retention_days`) or 'erasure' (a person was erased). */
  raw_deleted_reason: string | null;
  raw_retention_days: number | null;
}

/** Columns and tables of migration 009 (account security). */
export interface ApiTokenTable {
  /** read, write or admin. */
  scope: string;
}
export interface OneTimeTokenTable {
  /** The password chosen at sign-up; it becomes the account's when the link is used. */
  password_hash: string | null;
}
export interface OutboundMailTable {
  /** The bytes to keep once sent: secret links replaced by a placeholder; null when nothing to hide. */
  raw_after_send: Buffer | null;
}
/** Growing delays between failed sign-ins, per account and per client IP. */
export interface AuthThrottleTable {
  kind: string;
  throttle_key: string;
  failures: number;
  next_at: string;
  updated_at: string;
}
export interface Database {
  auth_throttle: AuthThrottleTable;
}

/** An inbound mailbox with its sealed credentials and its last state (migration 013). */
export interface MailboxTable {
  key: string;
  definition: string;
  secrets: string | null;
  source: string;
  state: string;
  state_detail: string | null;
  state_at: string | null;
  connect_state_hash: string | null;
  connect_verifier: string | null;
  connect_expires_at: string | null;
  updated_at: string;
}

/** Tables of migration 013. */
export interface Database {
  mailboxes: MailboxTable;
}

/** A named lease of migration 014: which node does a task only one node may do (`mailbox:<name>`). */
export interface LeaseTable {
  name: string;
  holder: string;
  acquired_at: string;
  expires_at: string;
}

/** Tables of migration 014. */
export interface Database {
  leases: LeaseTable;
}

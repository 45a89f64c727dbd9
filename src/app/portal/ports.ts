import type { AttachmentInspector, VirusScanner } from '../ingest/ports.js';
import type { AttachmentPolicy } from '../../domain/attachment-policy.js';
import type { WebContext } from '../auth/ports.js';
import type { InstallationSettings } from './installation-settings.js';

/**
 * What the portal needs to judge uploaded files exactly like e-mailed ones: the inspector (magic
 * bytes, ZIP listing), the optional virus scanner and the installation's attachment policy. The
 * composition root hands over the same adapters the inbound pipeline uses, so a file refused by
 * mail is refused in the browser too; the portal never imports the inbound adapters itself.
 *
 * Usage:
 *   buildApp({ ..., uploads: { inspector, scanner, policy } });
 */
export interface UploadGate {
  inspector: AttachmentInspector;
  scanner: VirusScanner | null;
  policy: AttachmentPolicy;
}

/** A file as it arrived in a multipart request: the name and type are the browser's claims. */
export interface UploadedFile {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** A file that passed the policy (and the scan, when configured), ready to store. */
export interface CheckedFile {
  filename: string;
  content: Buffer;
  detectedType: string | null;
  scan: 'clean' | 'not_scanned';
}

/**
 * Something changed that an open page may want to show. Only ids travel: each listener decides
 * itself what its user may see.
 */
export type PortalEvent = { kind: 'mail'; mailId: string } | { kind: 'case'; caseId: string };

/**
 * An in-process publish/subscribe port. The inbound worker (or any use case) publishes after its
 * commit; the live-update streams wake up at once instead of at their next 2 s poll. Several
 * processes sharing PostgreSQL still see each other's changes through that poll.
 *
 * Usage:
 *   const off = bus.subscribe((e) => wake());
 *   bus.publish({ kind: 'mail', mailId });
 *   off();
 */
export interface PortalEventBus {
  publish(e: PortalEvent): void;
  subscribe(listener: (e: PortalEvent) => void): () => void;
}

/** One stored installation setting: the JSON value an admin saved, with who and when. */
export interface StoredSetting {
  key: string;
  value: unknown;
  updatedAt: string;
  updatedBy: string | null;
}

/**
 * The admin-edited installation settings, one JSON value per key (`src/db/stores/web.ts`
 * implements it). Like the web store, never call it inside a `store.transaction()` callback.
 *
 * Usage:
 *   await settings.put('max_message_bytes', 10485760, now, admin.id);
 *   await settings.put('max_message_bytes', null, now, admin.id); // back to the configured default
 */
export interface InstallationSettingsStore {
  all(): Promise<StoredSetting[]>;
  /** Saves a value, or removes the key when `value` is null. */
  put(key: string, value: unknown, at: string, by: string | null): Promise<void>;
}

/** An admin's wording of one template in one language; a field left out keeps the built-in text. */
export interface TemplateOverride {
  subject?: string;
  text?: string;
  html?: string;
}

/**
 * Where the mail composer looks up an admin's template wording. Synchronous, because templates
 * are rendered inside the transaction that queues the mail: the source answers from its last
 * loaded copy (refreshed at least every few seconds by whoever reads the settings).
 */
export interface TemplateOverrideSource {
  templateOverride(template: string, language: string): TemplateOverride | null;
}

/** What lists the files inside a stored ZIP for the case page (zip-listing.ts). */
export interface ZipListing {
  entries(attachment: { id: string; detectedType: string | null; size: number }): Promise<ZipListingResult | null>;
}

export interface ZipListingResult {
  /** The first entries in archive order (display-safe names, uncompressed sizes). */
  entries: Array<{ name: string; size: number }>;
  /** How many entries the archive has; more than `entries.length` when the list was cut. */
  total: number;
}

/**
 * The web context of the portal's use cases: the web store plus the installation settings an
 * admin edits and the ZIP listing of the case page (buildApp assembles it).
 */
export interface PortalContext extends WebContext {
  installation: InstallationSettings;
  zipListing: ZipListing;
}

import type { AttachmentInspector, VirusScanner } from '../ingest/ports.js';
import type { AttachmentPolicy } from '../../domain/attachment-policy.js';

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

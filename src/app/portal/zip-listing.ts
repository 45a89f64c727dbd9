import type { UploadGate, ZipListing, ZipListingResult } from './ports.js';

/**
 * Entries shown per archive: an archive may hold 1 000 (RELIABILITY 8), a page of 1 000 lines
 * helps nobody, and the answer of the case API stays small. `total` tells how many there are.
 */
export const ZIP_LISTING_MAX_ENTRIES = 200;
/**
 * Archives whose listing is kept in memory: a listing is a few KiB, so 500 cost a few MiB, while
 * listing again means reading the archive from the database and inflating it (up to 100 MiB).
 */
export const ZIP_LISTING_CACHE_SIZE = 500;

/**
 * The file list of a stored ZIP for the case page, made by the same inspector that judged the
 * archive when it arrived (the upload gate's port, so the portal never imports the inbound
 * adapters), and remembered per attachment id: a stored attachment never changes. An archive the
 * inspector refuses now (limits tightened since) has no listing rather than a partial one.
 *
 * Usage:
 *   const listing = createZipListing(gate, (id) => store.attachments.content(id));
 *   const r = await listing.entries(attachment); // null for anything but a listable ZIP
 */
export function createZipListing(gate: UploadGate | null | undefined, content: (attachmentId: string) => Promise<Buffer | null>, cacheSize = ZIP_LISTING_CACHE_SIZE): ZipListing {
  const cache = new Map<string, Promise<ZipListingResult | null>>();
  async function list(id: string): Promise<ZipListingResult | null> {
    const bytes = gate ? await content(id) : null;
    if (!gate || !bytes) return null;
    const [file] = await gate.inspector.inspect([{ filename: 'archive.zip', content: bytes, contentType: 'application/zip' }], gate.policy);
    const report = file?.archive;
    if (!report?.ok) return null;
    const files = report.entries.filter((e) => !e.name.endsWith('/'));
    return { entries: files.slice(0, ZIP_LISTING_MAX_ENTRIES).map((e) => ({ name: e.name, size: e.size })), total: files.length };
  }
  return {
    async entries(a) {
      if (a.detectedType !== 'application/zip') return null;
      let hit = cache.get(a.id);
      if (hit) {
        // Least recently used goes first: re-insert to mark it used.
        cache.delete(a.id);
        cache.set(a.id, hit);
        return hit;
      }
      hit = list(a.id);
      cache.set(a.id, hit);
      hit.catch(() => cache.delete(a.id));
      while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return hit;
    },
  };
}

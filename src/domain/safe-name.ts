/**
 * A file name as the sender chose it is attacker-controlled text (RELIABILITY A3). It is only
 * ever shown, never used as a path, and before it is shown it loses everything that makes text
 * lie about itself: control characters (NUL, CR/LF, ESC), bidirectional overrides that turn
 * `gpj.exe` into `exe.jpg` on screen, and invisible zero-width characters. HTML escaping is the
 * renderer's job, so `<img onerror>` survives here as plain characters. The one sanitiser for
 * such names: attachments of mail and of uploads, and paths inside archives.
 */

// C0, DEL, C1 controls; Arabic letter mark; zero-width space/joiners; LRM/RLM; bidi embeddings,
// overrides and isolates; word joiner and invisible operators; BOM.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;
// With the u flag this matches only a surrogate without its partner (a name decoded from broken
// UTF-16 or cut in the middle of a pair), which cannot be encoded as UTF-8 and shows as garbage.
const LONE_SURROGATE = /[\ud800-\udfff]/gu;

/** 200 code points: long enough for real names, short enough for a notice line or a table cell. */
export const MAX_DISPLAY_NAME_LENGTH = 200;
/** An extension longer than this is not one worth keeping visible when the name is cut. */
const MAX_KEPT_EXTENSION = 16;

export interface DisplayNameOptions {
  /** Keep `/` (for paths inside an archive); attachment names get `_` instead of separators. */
  keepSlashes?: boolean;
  /** Used when the name is missing or nothing printable is left. */
  fallback?: string;
}

export function safeDisplayName(name: string | null | undefined, options: DisplayNameOptions = {}): string {
  const fallback = options.fallback ?? 'unnamed';
  if (name === null || name === undefined) return fallback;
  let clean = name.replace(LONE_SURROGATE, '').normalize('NFC').replace(INVISIBLE_OR_CONTROL, '');
  clean = options.keepSlashes === true ? clean.replace(/\\/g, '/') : clean.replace(/[/\\]/g, '_');
  clean = clean.trim();
  if (clean === '') return fallback;
  return capLength(clean);
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp',
  'image/tiff': 'tif', 'image/heic': 'heic', 'application/zip': 'zip',
};

/**
 * The file name stored for an attachment (of a mail or an upload) and offered when it is
 * downloaded: the display name without leading dots (no hidden file on the reader's disk), or
 * `attachment-<n>.<extension of the detected type>` when nothing is left.
 */
export function safeAttachmentName(name: string | null, detectedType: string | null, index: number): string {
  const shown = safeDisplayName(name, { fallback: '' }).replace(/^\.+/, '').trim();
  return shown || `attachment-${index + 1}.${(detectedType && EXTENSIONS[detectedType]) ?? 'bin'}`;
}

/** Cuts by code points (never inside a surrogate pair) and keeps a short extension visible. */
function capLength(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= MAX_DISPLAY_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  const keep = extension.length > 1 && extension.length <= MAX_KEPT_EXTENSION ? extension : [];
  const head = chars.slice(0, MAX_DISPLAY_NAME_LENGTH - keep.length - 1);
  return `${head.join('')}…${keep.join('')}`;
}

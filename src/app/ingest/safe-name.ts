/**
 * The file name shown for an attachment: the sender's name without control, bidi or path
 * characters, at most 200 characters; a generic name when there is none (A3). Storage never uses
 * it: content is stored by its SHA-256.
 */
const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp', 'image/tiff': 'tif', 'image/heic': 'heic', 'application/zip': 'zip' };

export function safeName(name: string | null, detectedType: string | null, index: number): string {
  const cleaned = (name ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\/]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  if (cleaned) {
    if (cleaned.length <= 200) return cleaned;
    const dot = cleaned.lastIndexOf('.');
    const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
    return cleaned.slice(0, 200 - ext.length) + ext;
  }
  return `attachment-${index + 1}.${(detectedType && EXT[detectedType]) ?? 'bin'}`;
}

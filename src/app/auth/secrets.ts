import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Random secrets and their stored form. 32 random bytes (256 bit) for every secret handed to a
 * browser or integration, well above the 128 bit RELIABILITY W2 asks for; base64url so that
 * they travel in cookies, URLs and headers unchanged.
 */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What the database keeps of a secret: its SHA-256, hex. A fast hash is enough for 256 random bits. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two strings in time independent of where they differ (W10). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

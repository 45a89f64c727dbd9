import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretBox } from '../app/mailboxes/ports.js';

/**
 * Seals mailbox secrets (client secrets, private keys, passwords, refresh tokens) before they
 * reach the database: AES-256-GCM under a key derived from SUPPORTAL_SECRET with HKDF-SHA256.
 * The derivation's `info` names the purpose, so that this key is never the HMAC key of the
 * Message-IDs and sessions, which use the secret directly.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url; a 12-byte random IV per value
 * (NIST SP 800-38D's recommended size) and the full 16-byte tag. The key name (`aad`) is bound
 * as additional data: a sealed value copied to another mailbox's row does not open there.
 *
 *   const box = createSecretBox(config.secret);
 *   const sealed = box.seal('client-secret', 'mailbox:support');
 *   box.open(sealed, 'mailbox:support'); // 'client-secret'
 */
const VERSION = 'v1';
const HKDF_INFO = 'supportal mailbox secrets v1';
// A fixed salt is fine for HKDF when the input key is already random (RFC 5869 section 3.1);
// it separates this use from any other derivation of the same secret.
const HKDF_SALT = 'supportal-oauth';

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export function createSecretBox(secret: string): SecretBox {
  if (secret.length < 32) throw new SecretBoxError('the secret is shorter than 32 characters');
  const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, aad) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed value of this version');
      const [, iv, body, tag] = parts as [string, string, string, string];
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Wrong SUPPORTAL_SECRET, or the value was altered or moved: GCM's tag does not verify.
        throw new SecretBoxError('a stored mailbox secret cannot be opened: was SUPPORTAL_SECRET changed?');
      }
    },
  };
}

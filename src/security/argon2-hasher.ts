import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../app/ports.js';

/**
 * argon2id with OWASP's first recommended setting (m=19 MiB, t=2, p=1) raised to 3 passes:
 * about 30 ms per hash here, a fair price for a login (RELIABILITY §9).
 */
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 3, parallelism: 1 } as const;

export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password, OPTIONS),
  verify: async (h, password) => {
    try {
      return await verify(h, password);
    } catch {
      return false;
    }
  },
};

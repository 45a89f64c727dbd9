import type { User } from '../../domain/entities.js';

/** Who makes a request, and how they proved it. */
export type Principal =
  | { via: 'session'; user: User; sessionIdHash: string; csrfToken: string }
  | { via: 'token'; user: User; tokenId: string };

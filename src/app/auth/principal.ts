import type { User } from '../../domain/entities.js';
import type { ApiTokenScope } from './ports.js';

/** Who makes a request, and how they proved it. */
export type Principal =
  | { via: 'session'; user: User; sessionIdHash: string; csrfToken: string }
  | { via: 'token'; user: User; tokenId: string; scope: ApiTokenScope };

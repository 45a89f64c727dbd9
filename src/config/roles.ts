/**
 * What one `supportal serve` process does (`--roles`). Several processes on one PostgreSQL
 * database may split these up: web nodes behind a load balancer, SMTP nodes behind the MX,
 * worker nodes that only process and send. Every role may run on any number of nodes; `imap`
 * polls the mailbox on one of them at a time (a lease in the database).
 */
export const SERVE_ROLES = ['web', 'smtp', 'lmtp', 'worker', 'imap'] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];

/** Every role: the default, one process doing everything. */
export const ALL_ROLES: ReadonlySet<ServeRole> = new Set(SERVE_ROLES);

/** `web,smtp,worker` → the roles; throws an Error with one readable line on anything else. */
export function parseRoles(text: string): ReadonlySet<ServeRole> {
  const words = text.split(',').map((w) => w.trim().toLowerCase()).filter((w) => w !== '');
  if (words.length === 0) throw new Error(`--roles needs at least one of ${SERVE_ROLES.join(', ')}`);
  const unknown = words.filter((w) => !(SERVE_ROLES as readonly string[]).includes(w));
  if (unknown.length > 0) throw new Error(`unknown role ${unknown.map((w) => `"${w}"`).join(', ')}; roles are ${SERVE_ROLES.join(', ')}`);
  return new Set(words as ServeRole[]);
}

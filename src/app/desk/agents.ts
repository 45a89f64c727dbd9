import type { AppSlice } from '../context.js';
import type { User } from '../../domain/entities.js';
import { requireStaff } from '../portal/access.js';

/** What this module's use cases reach of the context. */
export type AgentsDeps = AppSlice<'users', never>;

export interface AgentView {
  id: string;
  name: string;
  email: string;
  role: 'agent' | 'admin';
}

/**
 * Staff: the enabled agents and admins, by name, for the assignee select: an agent hands a case
 * to a colleague. Only what the select needs; the admin user list stays admin-only.
 */
export async function listAgents(ctx: AgentsDeps, user: User): Promise<AgentView[]> {
  requireStaff(user);
  const [agents, admins] = await Promise.all([ctx.store.users.list({ role: 'agent' }), ctx.store.users.list({ role: 'admin' })]);
  return [...agents, ...admins]
    .filter((u) => !u.disabled)
    .map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role as AgentView['role'] }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
}

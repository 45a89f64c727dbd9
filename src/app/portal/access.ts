import type { Store } from '../ports.js';
import { AppError } from '../errors.js';
import { isStaff } from '../../domain/case.js';
import type { Case, User } from '../../domain/entities.js';

/**
 * Who may see a case: staff all of them; a customer their own, and an organisation admin every
 * case of their organisation. Everything a customer may not see is answered with 404, never 403,
 * so that case numbers and ids of others cannot even be confirmed (W1).
 */
export function canSeeCase(user: User, c: Case): boolean {
  if (isStaff(user.role)) return true;
  if (c.customerId === user.id) return true;
  return user.orgAdmin && user.organisationId !== null && c.organisationId === user.organisationId;
}

export async function requireVisibleCase(store: Pick<Store, 'cases'>, user: User, number: number): Promise<Case> {
  const c = Number.isSafeInteger(number) ? await store.cases.findByNumber(number) : null;
  if (!c || !canSeeCase(user, c)) throw new AppError('case_not_found', { de: `es gibt keinen Fall ${number}`, en: `there is no case ${number}` });
  return c;
}

export function requireStaff(user: User): void {
  if (!isStaff(user.role)) throw new AppError('forbidden');
}

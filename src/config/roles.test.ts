import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoles, SERVE_ROLES } from './roles.js';

test('--roles: a comma list of known roles, in any case and order; anything else is one readable error', () => {
  assert.deepEqual([...parseRoles('worker')], ['worker']);
  assert.deepEqual([...parseRoles(' Web, smtp ,worker,')].sort(), ['smtp', 'web', 'worker']);
  assert.deepEqual([...parseRoles(SERVE_ROLES.join(','))].sort(), [...SERVE_ROLES].sort());
  assert.throws(() => parseRoles('web,mail'), /unknown role "mail"; roles are web, smtp, lmtp, worker, imap/);
  assert.throws(() => parseRoles(' , '), /needs at least one of/);
});

import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import * as m001 from './001-initial.js';
import * as m002 from './002-web.js';
import * as m003 from './003-search-and-portal.js';
import * as m004 from './004-installation-settings.js';
import * as m005 from './005-mail-failing.js';
import * as m006 from './006-raw-chunks.js';
import * as m007 from './007-privacy.js';
import * as m008 from './008-sender-verification.js';
import * as m009 from './009-account-security.js';
import * as m013 from './013-mailboxes.js';
import * as m014 from './014-leases.js';
import * as m015 from './015-search-newest-first.js';
import * as m016 from './016-service-states.js';

type DialectMigration = { up(db: Kysely<any>, d: DialectAdapter): Promise<void> };

/** Every migration in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '001-initial': m001,
  '002-web': m002,
  '003-search-and-portal': m003,
  '004-installation-settings': m004,
  '005-mail-failing': m005,
  '006-raw-chunks': m006,
  '007-privacy': m007,
  '008-sender-verification': m008,
  '009-account-security': m009,
  '013-mailboxes': m013,
  '014-leases': m014,
  '015-search-newest-first': m015,
  '016-service-states': m016,
};

export function migrationProvider(d: DialectAdapter): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, d) };
      return out;
    },
  };
}

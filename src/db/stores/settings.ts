import type { DatabaseHandle } from '../database.js';
import { boundConnection } from '../transaction-scope.js';
import type { InstallationSettingsStore, StoredSetting } from '../../app/settings/ports.js';

/**
 * The InstallationSettingsStore port: one row per key, the value as JSON text (migration 004).
 * `put` with null deletes the row, so the key falls back to the configuration.
 */
export function createInstallationSettingsStore(h: DatabaseHandle): InstallationSettingsStore {
  const db = boundConnection(h);
  return {
    async all() {
      const rows = await db().selectFrom('installation_settings').selectAll().orderBy('key').execute();
      const out: StoredSetting[] = [];
      for (const r of rows) {
        try {
          out.push({ key: r.key, value: JSON.parse(r.value) as unknown, updatedAt: r.updated_at, updatedBy: r.updated_by });
        } catch {
          // A row that is not JSON (edited by hand) counts as not set; the use case falls back to the default.
        }
      }
      return out;
    },
    async put(key, value, at, by) {
      if (value === null || value === undefined) {
        await db().deleteFrom('installation_settings').where('key', '=', key).execute();
        return;
      }
      const json = JSON.stringify(value);
      await db()
        .insertInto('installation_settings')
        .values({ key, value: json, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at, updated_by: by }))
        .execute();
    },
  };
}

/** One stored installation setting: the JSON value an admin saved, with who and when. */
export interface StoredSetting {
  key: string;
  value: unknown;
  updatedAt: string;
  updatedBy: string | null;
}

/**
 * The admin-edited installation settings, one JSON value per key (`src/db/stores/settings.ts`
 * implements it).
 *
 * Usage:
 *   await settings.put('max_message_bytes', 10485760, now, admin.id);
 *   await settings.put('max_message_bytes', null, now, admin.id); // back to the configured default
 */
export interface InstallationSettingsStore {
  all(): Promise<StoredSetting[]>;
  /** Saves a value, or removes the key when `value` is null. */
  put(key: string, value: unknown, at: string, by: string | null): Promise<void>;
}

/** An admin's wording of one template in one language; a field left out keeps the built-in text. */
export interface TemplateOverride {
  subject?: string;
  text?: string;
  html?: string;
}

/**
 * Where the mail composer looks up an admin's template wording. Synchronous, because templates
 * are rendered inside the transaction that queues the mail: the source answers from its last
 * loaded copy (refreshed at least every few seconds by whoever reads the settings).
 */
export interface TemplateOverrideSource {
  templateOverride(template: string, language: string): TemplateOverride | null;
}

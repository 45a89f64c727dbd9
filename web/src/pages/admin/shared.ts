import { api, ApiError } from '../../api.js';
import type { Language } from '../../types.js';

/** A rendered mail template as the preview endpoints answer it. */
export interface Preview { name: string; language: Language; subject: string; text: string; html: string }
export interface Wording { subject: string; text: string; html: string }
export type EditableTemplate = 'receipt' | 'notice';
export const EDITABLE: readonly string[] = ['receipt', 'notice'];
export const MIB = 1024 * 1024;

/** The installation settings as GET /api/admin/settings answers them; the templates and settings pages share them. */
export interface Policy { allowedImageTypes: string[]; maxArchives: number; allowEncryptedArchives: boolean; zip: { maxEntries: number; maxUncompressedBytes: number; maxRatio: number } }
export interface Settings {
  attachmentPolicy: Policy;
  maxMessageBytes: number;
  maxMessageBytesCeiling: number;
  uploadsEnabled: boolean;
  virusScanning: boolean;
  templates: Partial<Record<EditableTemplate, Partial<Record<Language, Partial<Wording>>>>>;
  changed: Partial<Record<'attachment_policy' | 'max_message_bytes' | 'templates', { updatedAt: string }>>;
  limits: { knownImageTypes: string[]; maxArchives: number; zip: Policy['zip']; maxMessageBytes: { min: number; max: number }; templateVariables: Record<EditableTemplate, string[]> };
  builtInTemplates: Record<EditableTemplate, Record<Language, Wording>>;
  addresses: { support: string; noreply: string; bounce: string };
  [key: string]: unknown;
}

export const loadSettings = () => api.get<{ settings: Settings }>('/api/admin/settings').then((r) => r.settings);

/** The field a 400 names (`details.field`), for the message next to the input. */
export function fieldOf(e: unknown): string | null {
  return e instanceof ApiError && typeof e.details.field === 'string' ? e.details.field : null;
}

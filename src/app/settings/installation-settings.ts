import { z } from 'zod';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { DEFAULT_ATTACHMENT_POLICY, type AttachmentPolicy } from '../../domain/attachment-policy.js';
import { LANGUAGES, type Language } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { DEFAULT_UNVERIFIED_SENDER_POLICY, UNVERIFIED_SENDER_POLICIES, type IngestSettings, type IngestSettingsSource, type UnverifiedSenderPolicy } from '../ingest/ports.js';
import type { InstallationSettingsStore, StoredSetting, TemplateOverride, TemplateOverrideSource } from './ports.js';
import type { AuditStore, Clock } from '../ports.js';

/** The templates an admin may reword: the two automatic answers every customer mail gets. */
export const EDITABLE_TEMPLATES = ['receipt', 'notice'] as const;
export type EditableTemplate = (typeof EDITABLE_TEMPLATES)[number];

/**
 * The `{{variables}}` each editable template is rendered with (app/ingest/automatic-replies.ts
 * and app/outbound/queue-mail.ts fill them). A notice names its case only for some reasons, so
 * the case token and link are not offered there.
 */
export const TEMPLATE_VARIABLES: Record<EditableTemplate, readonly string[]> = {
  receipt: ['subject', 'receivedAt', 'caseToken', 'caseUrl', 'mailLogUrl', 'portalUrl', 'productName'],
  notice: ['subject', 'receivedAt', 'reasonText', 'advice', 'fileLine', 'mailLogUrl', 'portalUrl', 'productName'],
};

/** The image types an admin may allow: the product's list (SVG can never be one of them, A1). */
export const KNOWN_IMAGE_TYPES: readonly string[] = DEFAULT_ATTACHMENT_POLICY.allowedImageTypes;
/** More archives per mail than this is a workaround for a missing file share, not a support attachment. */
export const MAX_ARCHIVES_LIMIT = 10;

export type TemplateOverrides = Partial<Record<EditableTemplate, Partial<Record<Language, TemplateOverride>>>>;

/** What is in effect: the admin's values where saved, else the configuration's. */
export interface EffectiveInstallationSettings extends IngestSettings {
  unverifiedSender: UnverifiedSenderPolicy;
  templates: TemplateOverrides;
  /** The keys an admin changed, with when and by whom (user id). */
  changed: Partial<Record<SettingKey, { updatedAt: string; updatedBy: string | null }>>;
}

export const SETTING_KEYS = ['attachment_policy', 'max_message_bytes', 'templates', 'unverified_sender'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/**
 * The settings the running server reads: the inbound pipeline (policy, size limit), the uploads,
 * and the mail composer (template wording, synchronously from the last loaded copy).
 *
 * Usage:
 *   const settings = createInstallationSettings({ store, defaults: { attachmentPolicy, maxMessageBytes } });
 *   await settings.refresh();
 *   const { policy, maxMessageBytes } = await settings.current();
 */
export interface InstallationSettings extends IngestSettingsSource, TemplateOverrideSource {
  current(): Promise<EffectiveInstallationSettings>;
  /** Reads the store now (after a change in this process; at start). */
  refresh(): Promise<EffectiveInstallationSettings>;
  /** The configuration's values; `maxMessageBytes` is also the ceiling an admin may not exceed. */
  readonly defaults: { attachmentPolicy: AttachmentPolicy; maxMessageBytes: number };
  readonly store: InstallationSettingsStore;
  /** Runs the (synchronous) `render` with a draft wording in place of the saved one, for a preview. */
  previewWith<T>(template: EditableTemplate, language: Language, draft: TemplateOverride, render: () => T): T;
}

const ONE_LINE = (v: string) => !/[\r\n\0]/.test(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The ZIP limits may only be tightened: RELIABILITY 8 promises ≤1 000 entries, ≤100 MiB
 * uncompressed and ≤100:1, and those numbers are what keeps a bomb from the inspector.
 */
const policySchema = z
  .object({
    allowedImageTypes: z.array(z.enum(KNOWN_IMAGE_TYPES as [string, ...string[]])).max(KNOWN_IMAGE_TYPES.length).transform((l) => [...new Set(l)]),
    maxArchives: z.number().int().min(0).max(MAX_ARCHIVES_LIMIT, `at most ${MAX_ARCHIVES_LIMIT}`),
    allowEncryptedArchives: z.boolean(),
    zip: z
      .object({
        maxEntries: z.number().int().min(1).max(DEFAULT_ATTACHMENT_POLICY.zip.maxEntries, `at most ${DEFAULT_ATTACHMENT_POLICY.zip.maxEntries}`),
        maxUncompressedBytes: z.number().int().min(1024).max(DEFAULT_ATTACHMENT_POLICY.zip.maxUncompressedBytes, `at most ${DEFAULT_ATTACHMENT_POLICY.zip.maxUncompressedBytes} bytes (100 MiB)`),
        maxRatio: z.number().min(1).max(DEFAULT_ATTACHMENT_POLICY.zip.maxRatio, `at most ${DEFAULT_ATTACHMENT_POLICY.zip.maxRatio}`),
      })
      .strict(),
  })
  .strict();

/** What happens to a reply whose From could not be verified (RELIABILITY E4). */
const unverifiedSenderSchema = z.enum(UNVERIFIED_SENDER_POLICIES);

/** 1 KiB is the configuration's own minimum; the ceiling is the SIZE the listener announced. */
const sizeSchema = (ceiling: number) => z.number().int().min(1024, 'at least 1024 bytes').max(ceiling, `at most ${ceiling} bytes (SUPPORTAL_MAX_MESSAGE_BYTES, the listener's SIZE)`);

/**
 * The problem with a template text's placeholders, or null. Only `{{name}}` of the template's
 * documented variables: an unknown name would silently render as nothing, and the raw form
 * `{{{…}}}` would insert a customer's text into the HTML unescaped (W4). The pattern is linear:
 * `[^{}]*` stops at the next brace, so no input makes it backtrack (M12).
 */
export function placeholderProblem(template: EditableTemplate, text: string): string | null {
  const allowed = TEMPLATE_VARIABLES[template];
  const known = allowed.map((v) => `{{${v}}}`).join(', ');
  for (const m of text.matchAll(/\{\{(\{?)([^{}]*)\}\}(\}?)/g)) {
    const name = (m[2] ?? '').trim();
    if (m[1] || m[3]) return `{{{${name}}}} would insert unescaped HTML; write {{${name}}}`;
    if (!allowed.includes(name)) return `unknown variable {{${name}}}; known: ${known}`;
    if (m[2] !== name) return `write {{${name}}} without spaces`;
  }
  const rest = text.replace(/\{\{[^{}]*\}\}/g, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'a {{ or }} without its partner';
  return null;
}

const overrideSchema = (template: EditableTemplate) =>
  z
    .object({
      // 200 characters: longer subjects are cut by every mail client anyway.
      subject: z.string().max(200).refine(ONE_LINE, 'must be one line').optional(),
      text: z.string().max(20_000).optional(),
      html: z.string().max(50_000).optional(),
    })
    .strict()
    .superRefine((o, ctx) => {
      for (const field of ['subject', 'text', 'html'] as const) {
        const v = o[field];
        const problem = v ? placeholderProblem(template, v) : null;
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [field] });
      }
    })
    .transform((o): TemplateOverride | null => {
      const out: TemplateOverride = {};
      if (o.subject?.trim()) out.subject = o.subject.trim();
      if (o.text?.trim()) out.text = o.text;
      if (o.html?.trim()) out.html = o.html;
      return Object.keys(out).length ? out : null;
    });

/** Per template, per language: an override, or null to go back to the built-in wording. */
const templatesPatchSchema = z
  .object(
    Object.fromEntries(
      EDITABLE_TEMPLATES.map((t) => [t, z.object(Object.fromEntries(LANGUAGES.map((l) => [l, overrideSchema(t).nullable().optional()]))).strict().optional()]),
    ) as Record<EditableTemplate, z.ZodOptional<z.ZodObject<Record<Language, z.ZodOptional<z.ZodNullable<ReturnType<typeof overrideSchema>>>>>>>,
  )
  .strict();

/** A stored value that no longer validates (a lowered ceiling, an older version) falls back to the default. */
function effectiveFrom(rows: readonly StoredSetting[], defaults: InstallationSettings['defaults']): EffectiveInstallationSettings {
  const out: EffectiveInstallationSettings = { policy: defaults.attachmentPolicy, maxMessageBytes: defaults.maxMessageBytes, unverifiedSender: DEFAULT_UNVERIFIED_SENDER_POLICY, templates: {}, changed: {} };
  for (const row of rows) {
    const key = SETTING_KEYS.find((k) => k === row.key);
    if (!key) continue;
    if (key === 'attachment_policy') {
      const r = policySchema.safeParse(row.value);
      if (!r.success) continue;
      out.policy = r.data;
    } else if (key === 'max_message_bytes') {
      // The configured ceiling may have been lowered since: it wins.
      if (typeof row.value !== 'number' || !Number.isSafeInteger(row.value)) continue;
      out.maxMessageBytes = Math.max(1024, Math.min(row.value, defaults.maxMessageBytes));
    } else if (key === 'unverified_sender') {
      const r = unverifiedSenderSchema.safeParse(row.value);
      if (!r.success) continue;
      out.unverifiedSender = r.data;
    } else {
      const r = templatesPatchSchema.safeParse(row.value);
      if (!r.success) continue;
      out.templates = dropNulls(r.data);
    }
    out.changed[key] = { updatedAt: row.updatedAt, updatedBy: row.updatedBy };
  }
  return out;
}

function dropNulls(patch: z.infer<typeof templatesPatchSchema>): TemplateOverrides {
  const out: TemplateOverrides = {};
  for (const t of EDITABLE_TEMPLATES) {
    for (const l of LANGUAGES) {
      const o = patch[t]?.[l];
      if (o) (out[t] ??= {})[l] = o;
    }
  }
  return out;
}

/**
 * The settings with a short cache: 5 s, so that a change by an admin of another `serve` process
 * (on a shared PostgreSQL) is in effect within seconds, while a busy pipeline asks the database
 * at most once per 5 s and not once per mail. A change in this process refreshes at once.
 */
export function createInstallationSettings(o: {
  store: InstallationSettingsStore;
  defaults: InstallationSettings['defaults'];
  ttlMs?: number;
  now?: () => number;
}): InstallationSettings {
  const ttl = o.ttlMs ?? 5000;
  const now = o.now ?? Date.now;
  let snapshot = effectiveFrom([], o.defaults);
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<EffectiveInstallationSettings> | null = null;
  let draft: { template: string; language: string; override: TemplateOverride } | null = null;
  const refresh = (): Promise<EffectiveInstallationSettings> => {
    loading ??= o.store
      .all()
      .then((rows) => {
        snapshot = effectiveFrom(rows, o.defaults);
        loadedAt = now();
        return snapshot;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  return {
    defaults: o.defaults,
    store: o.store,
    refresh,
    async current() {
      return now() - loadedAt < ttl ? snapshot : refresh();
    },
    templateOverride(template, language) {
      if (draft && draft.template === template && draft.language === language) return draft.override;
      return snapshot.templates[template as EditableTemplate]?.[language as Language] ?? null;
    },
    previewWith(template, language, override, render) {
      draft = { template, language, override };
      try {
        return render();
      } finally {
        draft = null;
      }
    },
  };
}

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

export interface SettingsUpdate {
  /** Any of the policy's fields (merged onto the policy in effect); null: back to the configured policy. */
  attachmentPolicy?: Partial<Omit<AttachmentPolicy, 'zip'>> & { zip?: Partial<AttachmentPolicy['zip']> } | null;
  /** null: back to the configured limit. */
  maxMessageBytes?: number | null;
  /** Per template and language; null for a language: back to the built-in wording. */
  templates?: Partial<Record<EditableTemplate, Partial<Record<Language, TemplateOverride | null>>>>;
  /** accept / mark / hold a reply whose sender could not be verified; null: back to the default (`mark`). */
  unverifiedSender?: UnverifiedSenderPolicy | null;
}

const UPDATABLE: readonly string[] = ['attachmentPolicy', 'maxMessageBytes', 'templates', 'unverifiedSender'];

/** Checks one draft wording as it would be saved; `invalid_input` names the field. */
export function parseTemplateDraft(template: EditableTemplate, draft: unknown): TemplateOverride | null {
  return parseInput(overrideSchema(template), draft ?? {});
}

/**
 * Admin: changes installation settings. Every value is checked before anything is saved (400
 * `invalid_input` with `details.field`, e.g. `maxMessageBytes` or `templates.receipt.en.text`);
 * each changed key is saved and written to the audit log with its new value.
 */
/** What changing the settings needs: the settings themselves, the clock and the audit log. */
export interface UpdateSettingsDeps {
  installation: InstallationSettings;
  clock: Clock;
  store: { audit: AuditStore };
}

export async function updateInstallationSettings(ctx: UpdateSettingsDeps, admin: User, input: SettingsUpdate): Promise<EffectiveInstallationSettings> {
  requireAdmin(admin);
  const s = ctx.installation;
  const cur = await s.refresh();
  const raw = isObject(input) ? input : {};
  for (const key of Object.keys(raw)) {
    if (key === 'addresses' || key.endsWith('Address')) {
      throw new AppError('invalid_input', { de: `${key}: die Adressen werden in der Konfiguration festgelegt (SUPPORTAL_SUPPORT_ADDRESS, …), weil sie zur Einrichtung des Mailservers passen müssen`, en: `${key}: the addresses are set in the configuration (SUPPORTAL_SUPPORT_ADDRESS, …), because they must match the mail server's setup` }, { field: key });
    }
    if (!UPDATABLE.includes(key)) throw new AppError('invalid_input', { de: `${key}: diese Einstellung kann hier nicht geändert werden`, en: `${key}: not a setting that can be changed here` }, { field: key });
  }
  const policyInput = raw.attachmentPolicy;
  const mergedPolicy = isObject(policyInput) ? { ...cur.policy, ...policyInput, zip: isObject(policyInput.zip) ? { ...cur.policy.zip, ...policyInput.zip } : policyInput.zip ?? cur.policy.zip } : policyInput;
  const parsed = parseInput(
    z
      .object({
        attachmentPolicy: policySchema.nullable().optional(),
        maxMessageBytes: sizeSchema(s.defaults.maxMessageBytes).nullable().optional(),
        templates: templatesPatchSchema.optional(),
        unverifiedSender: unverifiedSenderSchema.nullable().optional(),
      })
      .strict(),
    { ...raw, ...(policyInput !== undefined ? { attachmentPolicy: mergedPolicy } : {}) },
  );
  const changes: Array<[SettingKey, unknown]> = [];
  if (parsed.attachmentPolicy !== undefined) changes.push(['attachment_policy', parsed.attachmentPolicy]);
  if (parsed.maxMessageBytes !== undefined) changes.push(['max_message_bytes', parsed.maxMessageBytes]);
  if (parsed.unverifiedSender !== undefined) changes.push(['unverified_sender', parsed.unverifiedSender]);
  if (parsed.templates !== undefined) {
    const next: TemplateOverrides = structuredClone(cur.templates);
    for (const t of EDITABLE_TEMPLATES) {
      for (const l of LANGUAGES) {
        const v = parsed.templates[t]?.[l];
        if (v === undefined) continue;
        if (v === null) delete next[t]?.[l];
        else (next[t] ??= {})[l] = v;
      }
      if (next[t] && Object.keys(next[t]!).length === 0) delete next[t];
    }
    changes.push(['templates', Object.keys(next).length ? next : null]);
  }
  const at = ctx.clock.now().toISOString();
  for (const [key, value] of changes) {
    await s.store.put(key, value, at, admin.id);
    await ctx.store.audit.record({ at, actor: admin.id, action: value === null ? 'admin.settings.reset' : 'admin.settings.update', target: key, detail: { value } });
  }
  return s.refresh();
}

/** Plain numbers for the admin page: the limits of each field. */
export function settingsLimits(ceiling: number) {
  return {
    knownImageTypes: [...KNOWN_IMAGE_TYPES],
    maxArchives: MAX_ARCHIVES_LIMIT,
    zip: { ...DEFAULT_ATTACHMENT_POLICY.zip },
    maxMessageBytes: { min: 1024, max: ceiling },
    templateVariables: TEMPLATE_VARIABLES,
    unverifiedSender: [...UNVERIFIED_SENDER_POLICIES],
  };
}

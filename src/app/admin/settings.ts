import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import type { RenderedMail, TemplateName } from '../outbound/mail-composer.js';
import { offendingFilesLine, reasonText } from '../ingest/reason-texts.js';
import { caseSubject } from '../../domain/thread-tokens.js';
import type { AttachmentPolicy } from '../../domain/attachment-policy.js';
import { LANGUAGES, type Language } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { EDITABLE_TEMPLATES, parseTemplateDraft, settingsLimits, TEMPLATE_VARIABLES, type EditableTemplate, type EffectiveInstallationSettings, type TemplateOverrides } from '../settings/installation-settings.js';

/** What this module's use cases reach of the web context. */
export type AdminSettingsDeps = WebSlice<never, never, 'composer' | 'installation' | 'mail' | 'uploads'>;

export const TEMPLATE_NAMES = ['agent_reply', 'receipt', 'notice', 'case_opened', 'signup', 'password_reset', 'agent_notification'] as const satisfies readonly TemplateName[];

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

export interface EffectiveSettings {
  /** In effect: the admin's policy when saved, else the configured one. */
  attachmentPolicy: AttachmentPolicy;
  uploadsEnabled: boolean;
  virusScanning: boolean;
  /** In effect: the admin's limit when saved, else the configured one. */
  maxMessageBytes: number;
  /** SUPPORTAL_MAX_MESSAGE_BYTES: the SMTP listener announces it as SIZE at start, so an admin may only go below it. */
  maxMessageBytesCeiling: number;
  /** The admin's wording of the receipt and the notice, per language. */
  templates: TemplateOverrides;
  /** accept / mark / hold a reply whose sender could not be verified (RELIABILITY E4). */
  unverifiedSender: EffectiveInstallationSettings['unverifiedSender'];
  /** Which of the editable settings an admin changed (when, by whom). */
  changed: EffectiveInstallationSettings['changed'];
  /** What each editable field accepts. */
  limits: ReturnType<typeof settingsLimits>;
  /** The built-in wording of the editable templates, with their `{{variables}}`, for the editor to start from. */
  builtInTemplates: Record<EditableTemplate, Record<Language, RenderedMail>>;
  /** Read-only: they must match the mail server's setup (MX, aliases, SPF/DKIM), so they live in the configuration. */
  addresses: { support: string; noreply: string; bounce: string };
  mailDomain: string;
  publicUrl: string;
  plusAddressing: boolean;
  caseTokenLabel: string;
  defaultLanguage: Language;
  relayConfigured: boolean;
  autoMailsPerSenderPerHour: number;
}

/**
 * Admin: the settings in effect. The attachment policy, the size limit and the receipt and notice
 * wording are edited here (updateInstallationSettings); the addresses and the rest come from the
 * configuration file and the environment (`supportal print-config`) and are shown read-only. No
 * secret is part of it.
 */
export async function effectiveSettings(ctx: AdminSettingsDeps, admin: User): Promise<EffectiveSettings> {
  requireAdmin(admin);
  const m = ctx.mail;
  const eff = await ctx.installation.refresh();
  return {
    attachmentPolicy: eff.policy,
    uploadsEnabled: Boolean(ctx.uploads),
    virusScanning: Boolean(ctx.uploads?.scanner),
    maxMessageBytes: eff.maxMessageBytes,
    maxMessageBytesCeiling: ctx.installation.defaults.maxMessageBytes,
    templates: eff.templates,
    unverifiedSender: eff.unverifiedSender,
    changed: eff.changed,
    limits: settingsLimits(ctx.installation.defaults.maxMessageBytes),
    builtInTemplates: builtInWording(ctx),
    addresses: { support: m.supportAddress, noreply: m.noreplyAddress, bounce: m.bounceAddress },
    mailDomain: m.mailDomain,
    publicUrl: m.publicUrl,
    plusAddressing: m.plusAddressing,
    caseTokenLabel: m.caseTokenLabel,
    defaultLanguage: m.defaultLanguage,
    relayConfigured: m.relayConfigured,
    autoMailsPerSenderPerHour: m.autoMailsPerSenderPerHour,
  };
}

/**
 * The built-in wording as the composer has it: rendered with each variable standing for itself
 * (`subject` → `{{subject}}`) and with an empty override, so the admin's saved text is left out.
 * Braces pass the HTML escaping unchanged; the document around the HTML part is taken off.
 */
function builtInWording(ctx: AdminSettingsDeps): EffectiveSettings['builtInTemplates'] {
  const out = {} as EffectiveSettings['builtInTemplates'];
  for (const t of EDITABLE_TEMPLATES) {
    const vars = Object.fromEntries(TEMPLATE_VARIABLES[t].map((v) => [v, `{{${v}}}`]));
    out[t] = {} as Record<Language, RenderedMail>;
    for (const l of LANGUAGES) {
      const r = ctx.installation.previewWith(t, l, {}, () => ctx.composer.render(t, l, vars));
      const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(r.html)?.[1] ?? r.html;
      out[t][l] = { subject: r.subject, text: r.text.trimEnd(), html: body };
    }
  }
  return out;
}

/** The templates whose mails are about a case (queueMail is given the case): their subject starts with its token. */
const CASE_TEMPLATES: ReadonlySet<TemplateName> = new Set(['agent_reply', 'receipt', 'notice', 'case_opened', 'agent_notification']);

const SAMPLES: Record<Language, { subject: string; body: string; file: string; date: string }> = {
  de: { subject: 'Drucker druckt nur leere Seiten', body: 'Guten Tag,\nseit dem Update druckt der Drucker nur leere Seiten.', file: 'setup.exe', date: '26.11.2026, 10:00 UTC' },
  en: { subject: 'Printer prints blank pages only', body: 'Hello,\nsince the update the printer prints blank pages only.', file: 'setup.exe', date: '26 Nov 2026, 10:00 UTC' },
};

/**
 * Admin: a template rendered with sample values, exactly as the composer renders real mails: with
 * the saved wording, or with `draft` (the editor's unsaved text, checked like a save) in its place.
 */
export async function previewTemplate(ctx: AdminSettingsDeps, admin: User, name: string, language: Language, draft?: unknown): Promise<RenderedMail & { name: TemplateName; language: Language }> {
  requireAdmin(admin);
  const t = TEMPLATE_NAMES.find((n) => n === name);
  if (!t) throw new AppError('not_found', { de: `Eine Vorlage „${name}“ gibt es nicht.`, en: `There is no template "${name}".` });
  const editable = EDITABLE_TEMPLATES.find((n) => n === name);
  if (draft !== undefined && !editable) throw new AppError('invalid_input', { de: `die Vorlage „${name}“ kann nicht geändert werden`, en: `the template "${name}" cannot be changed` }, { field: 'name' });
  const override = editable && draft !== undefined ? parseTemplateDraft(editable, draft) : undefined;
  // The composer reads the saved wording synchronously from the last loaded copy: load it now.
  await ctx.installation.refresh();
  const s = SAMPLES[language];
  const portal = ctx.mail.publicUrl;
  const sampleCase = 10042;
  const caseUrl = `${portal}/cases/${sampleCase}`;
  // The sample notice is the one a refused file gets: it names its case (as real ones of this reason do).
  const reason = reasonText('attachment_type', language, portal, caseUrl);
  const render = () => ctx.composer.render(t, language, {
    productName: ctx.mail.productName,
    portalUrl: portal,
    mailLogUrl: `${portal}/mails`,
    caseToken: `#${sampleCase}`,
    caseUrl,
    subject: s.subject,
    body: s.body,
    bodyHtml: s.body.replace(/\n/g, '<br>'),
    agentName: 'Agnes Agent',
    customerName: 'Alice Example',
    name: 'Alice Example',
    receivedAt: s.date,
    reasonText: reason.text,
    advice: reason.advice,
    fileLine: offendingFilesLine([s.file], language),
    link: `${portal}/verify?token=sample`,
    history: '',
    historyHtml: '',
  });
  const rendered = editable && override !== undefined ? ctx.installation.previewWith(editable, language, override ?? {}, render) : render();
  // As queueMail sends it: a mail about a case carries the case token before its subject.
  const subject = CASE_TEMPLATES.has(t) ? caseSubject(ctx.mail.caseTokenLabel, sampleCase, rendered.subject) : rendered.subject;
  return { name: t, language, ...rendered, subject };
}

import type { WebContext } from '../auth/ports.js';
import { AppError } from '../errors.js';
import type { RenderedMail, TemplateName } from '../outbound/mail-composer.js';
import { REASON_TEXTS } from '../ingest/reason-texts.js';
import type { AttachmentPolicy } from '../../domain/attachment-policy.js';
import type { Language } from '../../domain/case.js';
import type { User } from '../../domain/records.js';

export const TEMPLATE_NAMES = ['agent_reply', 'receipt', 'notice', 'case_opened', 'signup', 'password_reset', 'agent_notification'] as const satisfies readonly TemplateName[];

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

export interface EffectiveSettings {
  attachmentPolicy: AttachmentPolicy | null;
  uploadsEnabled: boolean;
  virusScanning: boolean;
  maxMessageBytes: number;
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
 * Admin: the configuration in effect, read-only. It comes from the configuration file and the
 * environment (`supportal print-config`), so a change there is the one way to edit it; the web
 * view shows what the server actually uses. No secret is part of it.
 */
export function effectiveSettings(ctx: WebContext, admin: User): EffectiveSettings {
  requireAdmin(admin);
  const m = ctx.mail;
  return {
    attachmentPolicy: ctx.uploads?.policy ?? null,
    uploadsEnabled: Boolean(ctx.uploads),
    virusScanning: Boolean(ctx.uploads?.scanner),
    maxMessageBytes: m.maxMessageBytes,
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

const SAMPLES: Record<Language, { subject: string; body: string; file: string; date: string }> = {
  de: { subject: 'Drucker druckt nur leere Seiten', body: 'Guten Tag,\nseit dem Update druckt der Drucker nur leere Seiten.', file: 'Datei: setup.exe', date: '26.11.2026, 10:00' },
  en: { subject: 'Printer prints blank pages only', body: 'Hello,\nsince the update the printer prints blank pages only.', file: 'File: setup.exe', date: '26 Nov 2026, 10:00' },
};

/** Admin: a template rendered with sample values, exactly as the composer renders real mails. */
export function previewTemplate(ctx: WebContext, admin: User, name: string, language: Language): RenderedMail & { name: TemplateName; language: Language } {
  requireAdmin(admin);
  const t = TEMPLATE_NAMES.find((n) => n === name);
  if (!t) throw new AppError('not_found', `There is no template "${name}".`);
  const s = SAMPLES[language];
  const portal = ctx.mail.publicUrl;
  const reason = REASON_TEXTS.attachment_type[language];
  const rendered = ctx.composer.render(t, language, {
    productName: ctx.mail.productName,
    portalUrl: portal,
    mailLogUrl: `${portal}/mails`,
    caseToken: '#10042',
    caseUrl: `${portal}/cases/10042`,
    subject: s.subject,
    body: s.body,
    bodyHtml: s.body.replace(/\n/g, '<br>'),
    agentName: 'Agnes Agent',
    customerName: 'Alice Example',
    name: 'Alice Example',
    receivedAt: s.date,
    reasonText: reason.text,
    advice: reason.advice.replace('{portal}', portal),
    fileLine: s.file,
    link: `${portal}/verify?token=sample`,
    history: '',
    historyHtml: '',
  });
  return { name: t, language, ...rendered };
}

import type { Language } from '../../domain/case.js';
import type { RenderedMail, TemplateName } from '../../app/outbound/mail-composer.js';
import { escapeHtml } from '../../domain/html-text.js';

/**
 * The mail templates in German and English. `{{name}}` is replaced by the escaped variable
 * (HTML-escaped in the HTML part, as-is in the text part); `{{{name}}}` inserts a value that is
 * already safe HTML (only ever produced by our own code, e.g. the quoted history).
 * Subjects are one line: CR/LF in a variable is replaced by a space (W9).
 */
type Template = { subject: string; text: string; html: string };

const T: Record<TemplateName, Record<Language, Template>> = {
  agent_reply: {
    de: {
      subject: '{{subject}}',
      text: '{{body}}\n\n-- \n{{agentName}}, {{productName}} Support\nAntworten Sie einfach auf diese E-Mail. Ihr Fall im Portal: {{caseUrl}}\n\n{{history}}',
      html: '<div>{{{bodyHtml}}}</div><p style="color:#555">-- <br>{{agentName}}, {{productName}} Support<br>Antworten Sie einfach auf diese E-Mail. <a href="{{caseUrl}}">Ihr Fall im Portal</a></p>{{{historyHtml}}}',
    },
    en: {
      subject: '{{subject}}',
      text: '{{body}}\n\n-- \n{{agentName}}, {{productName}} Support\nSimply reply to this e-mail. Your case in the portal: {{caseUrl}}\n\n{{history}}',
      html: '<div>{{{bodyHtml}}}</div><p style="color:#555">-- <br>{{agentName}}, {{productName}} Support<br>Simply reply to this e-mail. <a href="{{caseUrl}}">Your case in the portal</a></p>{{{historyHtml}}}',
    },
  },
  receipt: {
    de: {
      subject: 'Eingangsbestätigung: {{subject}}',
      text: 'Guten Tag,\n\nIhre E-Mail vom {{receivedAt}} ist bei Fall {{caseToken}} eingegangen und wurde dem Fall hinzugefügt.\n\nDen Fall und alle Ihre E-Mails sehen Sie im Portal: {{caseUrl}}\n\nDies ist eine automatische Nachricht; bitte antworten Sie nicht darauf.',
      html: '<p>Guten Tag,</p><p>Ihre E-Mail vom {{receivedAt}} ist bei Fall <strong>{{caseToken}}</strong> eingegangen und wurde dem Fall hinzugefügt.</p><p><a href="{{caseUrl}}">Fall im Portal öffnen</a></p><p style="color:#555">Dies ist eine automatische Nachricht; bitte antworten Sie nicht darauf.</p>',
    },
    en: {
      subject: 'Received: {{subject}}',
      text: 'Hello,\n\nyour e-mail of {{receivedAt}} has reached case {{caseToken}} and was added to it.\n\nSee the case and all your e-mails in the portal: {{caseUrl}}\n\nThis is an automatic message; please do not reply to it.',
      html: '<p>Hello,</p><p>your e-mail of {{receivedAt}} has reached case <strong>{{caseToken}}</strong> and was added to it.</p><p><a href="{{caseUrl}}">Open the case in the portal</a></p><p style="color:#555">This is an automatic message; please do not reply to it.</p>',
    },
  },
  notice: {
    de: {
      subject: 'Nicht verarbeitet: {{subject}}',
      text: 'Guten Tag,\n\nIhre E-Mail vom {{receivedAt}} mit dem Betreff „{{subject}}“ konnte nicht verarbeitet werden.\n\nGrund: {{reasonText}}\n{{fileLine}}\nWas Sie tun können: {{advice}}\n\nIhre E-Mails und ihr Status: {{mailLogUrl}}\n\nDies ist eine automatische Nachricht von einer Adresse, die keine Antworten annimmt.',
      html: '<p>Guten Tag,</p><p>Ihre E-Mail vom {{receivedAt}} mit dem Betreff „{{subject}}“ konnte <strong>nicht verarbeitet</strong> werden.</p><p><strong>Grund:</strong> {{reasonText}}</p><p>{{fileLine}}</p><p><strong>Was Sie tun können:</strong> {{advice}}</p><p><a href="{{mailLogUrl}}">Ihre E-Mails und ihr Status</a></p><p style="color:#555">Dies ist eine automatische Nachricht von einer Adresse, die keine Antworten annimmt.</p>',
    },
    en: {
      subject: 'Not processed: {{subject}}',
      text: 'Hello,\n\nyour e-mail of {{receivedAt}} with the subject "{{subject}}" could not be processed.\n\nReason: {{reasonText}}\n{{fileLine}}\nWhat you can do: {{advice}}\n\nYour e-mails and their status: {{mailLogUrl}}\n\nThis is an automatic message from an address that does not accept replies.',
      html: '<p>Hello,</p><p>your e-mail of {{receivedAt}} with the subject "{{subject}}" could <strong>not be processed</strong>.</p><p><strong>Reason:</strong> {{reasonText}}</p><p>{{fileLine}}</p><p><strong>What you can do:</strong> {{advice}}</p><p><a href="{{mailLogUrl}}">Your e-mails and their status</a></p><p style="color:#555">This is an automatic message from an address that does not accept replies.</p>',
    },
  },
  case_opened: {
    de: {
      subject: '{{subject}}',
      text: 'Guten Tag {{customerName}},\n\nwir haben Ihren Fall {{caseToken}} angelegt:\n\n{{body}}\n\nAntworten Sie einfach auf diese E-Mail, um dem Fall etwas hinzuzufügen. Im Portal: {{caseUrl}}',
      html: '<p>Guten Tag {{customerName}},</p><p>wir haben Ihren Fall <strong>{{caseToken}}</strong> angelegt:</p><blockquote>{{body}}</blockquote><p>Antworten Sie einfach auf diese E-Mail, um dem Fall etwas hinzuzufügen. <a href="{{caseUrl}}">Fall im Portal</a></p>',
    },
    en: {
      subject: '{{subject}}',
      text: 'Hello {{customerName}},\n\nwe have opened your case {{caseToken}}:\n\n{{body}}\n\nSimply reply to this e-mail to add to the case. In the portal: {{caseUrl}}',
      html: '<p>Hello {{customerName}},</p><p>we have opened your case <strong>{{caseToken}}</strong>:</p><blockquote>{{body}}</blockquote><p>Simply reply to this e-mail to add to the case. <a href="{{caseUrl}}">Case in the portal</a></p>',
    },
  },
  signup: {
    de: {
      subject: 'Bitte bestätigen Sie Ihre E-Mail-Adresse',
      text: 'Guten Tag {{name}},\n\nbitte bestätigen Sie Ihre Anmeldung beim {{productName}} Support-Portal:\n{{link}}\n\nDer Link ist 24 Stunden gültig. Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese E-Mail.',
      html: '<p>Guten Tag {{name}},</p><p>bitte bestätigen Sie Ihre Anmeldung beim {{productName}} Support-Portal:</p><p><a href="{{link}}">E-Mail-Adresse bestätigen</a></p><p style="color:#555">Der Link ist 24 Stunden gültig. Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese E-Mail.</p>',
    },
    en: {
      subject: 'Please confirm your e-mail address',
      text: 'Hello {{name}},\n\nplease confirm your sign-up at the {{productName}} support portal:\n{{link}}\n\nThe link is valid for 24 hours. If you did not sign up, ignore this e-mail.',
      html: '<p>Hello {{name}},</p><p>please confirm your sign-up at the {{productName}} support portal:</p><p><a href="{{link}}">Confirm e-mail address</a></p><p style="color:#555">The link is valid for 24 hours. If you did not sign up, ignore this e-mail.</p>',
    },
  },
  password_reset: {
    de: {
      subject: 'Passwort zurücksetzen',
      text: 'Guten Tag {{name}},\n\nmit diesem Link setzen Sie Ihr Passwort zurück:\n{{link}}\n\nDer Link ist eine Stunde gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.',
      html: '<p>Guten Tag {{name}},</p><p><a href="{{link}}">Passwort zurücksetzen</a></p><p style="color:#555">Der Link ist eine Stunde gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.</p>',
    },
    en: {
      subject: 'Reset your password',
      text: 'Hello {{name}},\n\nuse this link to reset your password:\n{{link}}\n\nThe link is valid for one hour. If you did not ask for it, ignore this e-mail.',
      html: '<p>Hello {{name}},</p><p><a href="{{link}}">Reset your password</a></p><p style="color:#555">The link is valid for one hour. If you did not ask for it, ignore this e-mail.</p>',
    },
  },
  agent_notification: {
    de: {
      subject: 'Neue Antwort in {{caseToken}}: {{subject}}',
      text: '{{customerName}} hat in Fall {{caseToken}} geantwortet:\n\n{{body}}\n\n{{caseUrl}}',
      html: '<p>{{customerName}} hat in Fall <strong>{{caseToken}}</strong> geantwortet:</p><blockquote>{{body}}</blockquote><p><a href="{{caseUrl}}">Fall öffnen</a></p>',
    },
    en: {
      subject: 'New reply in {{caseToken}}: {{subject}}',
      text: '{{customerName}} replied in case {{caseToken}}:\n\n{{body}}\n\n{{caseUrl}}',
      html: '<p>{{customerName}} replied in case <strong>{{caseToken}}</strong>:</p><blockquote>{{body}}</blockquote><p><a href="{{caseUrl}}">Open the case</a></p>',
    },
  },
};

type Vars = Record<string, string | number | null | undefined>;

function definedFields(o: { subject?: string; text?: string; html?: string } | null | undefined): Partial<Template> {
  const out: Partial<Template> = {};
  if (o?.subject) out.subject = o.subject;
  if (o?.text) out.text = o.text;
  if (o?.html) out.html = o.html;
  return out;
}

/** Variables of our own wording whose addresses are links in the HTML part (the notice's advice names the case's page). */
const LINKED: ReadonlySet<string> = new Set(['advice']);

/** Our own https addresses in already escaped text as links (the text is ours, never the sender's). */
function linkUrls(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:)]/g, (url) => `<a href="${url}">${url}</a>`);
}

function fill(tpl: string, vars: Vars, mode: 'text' | 'html' | 'subject'): string {
  return tpl.replace(/\{\{(\{)?(\w+)\}?\}\}/g, (_m, raw: string | undefined, name: string) => {
    const v = vars[name];
    const s = v === null || v === undefined ? '' : String(v);
    if (mode === 'subject') return s.replace(/[\r\n\t\0]+/g, ' ');
    if (mode === 'html') return raw ? s : LINKED.has(name) ? linkUrls(escapeHtml(s)) : escapeHtml(s);
    return s;
  });
}

/** The built-in wording of a template, for an admin's editor to start from. */
export function builtInTemplate(name: TemplateName, language: Language): Template {
  return { ...T[name][language] };
}

/**
 * Renders a template; an admin's override replaces the built-in subject, text or HTML field by
 * field. Overrides were checked when saved: only `{{variables}}` documented for the template,
 * never the raw `{{{…}}}` form, so an admin's wording escapes every value like ours does.
 */
export function renderTemplate(name: TemplateName, language: Language, vars: Vars, override?: { subject?: string; text?: string; html?: string } | null): RenderedMail {
  const t = { ...T[name][language], ...definedFields(override) };
  return {
    subject: fill(t.subject, vars, 'subject').trim(),
    text: fill(t.text, vars, 'text').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n',
    html: `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">${fill(t.html, vars, 'html')}</body></html>`,
  };
}

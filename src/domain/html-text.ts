import { compile } from 'html-to-text';

/** Text into HTML, escaped: the one place that does it, for templates and quoted history (W4). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Plain text to HTML paragraphs (blank line = paragraph, newline = <br>), escaped. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

const convert = compile({
  wordwrap: false,
  // 2 MB of HTML is far more than any reply; the rest would only cost time (RELIABILITY M12).
  limits: { maxInputLength: 2_000_000, maxDepth: 500 },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // "Max <max@example.com> [mailto:max@example.com]" says the address twice.
    { selector: 'a[href^="mailto:"]', format: 'anchor', options: { ignoreHref: true } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'img', format: 'skip' },
  ],
});

/**
 * What a reader sees of an HTML mail, as plain text (html-to-text, the converter mailparser
 * uses): paragraphs and <br> become line breaks, <blockquote> content gets a "> " prefix, a
 * link shows its address only when that differs from its text, images are left out.
 */
export function htmlToPlainText(html: string): string {
  return convert(html)
    // Outlook spaces paragraphs with NBSP-only ones: they are empty lines.
    .replace(/^[ \t\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

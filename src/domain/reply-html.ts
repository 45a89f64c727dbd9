/**
 * Splits the HTML body of a customer's reply at the quote container that the mail client put
 * around the quoted history (Gmail, Outlook, Apple Mail, Thunderbird). HTML is parsed with a real
 * parser (htmlparser2), never with regular expressions; the parser is pure and linear.
 *
 * Usage:
 *   const { replyHtml, quotedHtml } = splitReplyHtml(mail.html);
 *   // replyHtml is still untrusted mail HTML: sanitise before display.
 */
import { parseDocument, DomUtils } from 'htmlparser2';
import type { ChildNode, Element, ParentNode } from 'domhandler';

export interface SplitReplyHtml {
  /** The HTML without the quoted history; the input unchanged when nothing is left of it. */
  replyHtml: string;
  /** The removed quote container and everything after it, in document order. */
  quotedHtml: string;
}

/**
 * Documents nested deeper than this are not split: the serializer recurses per level, and no
 * mail client nests a reply more than a few hundred elements deep (RELIABILITY M1, M12).
 */
const MAX_DEPTH = 500;

function hasClass(element: Element, name: string): boolean {
  const value = element.attribs['class'];
  return value !== undefined && value.split(/\s+/).includes(name);
}

/** Where each client's quoted history begins; everything from there to the end is history. */
function isQuoteStart(element: Element): boolean {
  const id = element.attribs['id'];
  if (id === 'divRplyFwdMsg' || id === 'appendonsend' || id === 'mail-editor-reference-message-container') {
    return true; // Outlook (desktop, web, new Outlook)
  }
  if (element.name === 'div' && (hasClass(element, 'gmail_quote') || hasClass(element, 'gmail_quote_container'))) {
    return true; // Gmail
  }
  if (hasClass(element, 'moz-cite-prefix') || hasClass(element, 'yahoo_quoted')) return true; // Thunderbird, Yahoo
  // Apple Mail and Thunderbird wrap the quote itself in <blockquote type="cite">.
  return element.name === 'blockquote' && element.attribs['type']?.toLowerCase() === 'cite';
}

/**
 * The first quote container in document order, searched without recursion; `tooDeep` when the
 * document nests past MAX_DEPTH anywhere, because serializing it would recurse that deep.
 */
function findQuoteStart(root: ParentNode): Element | null | 'tooDeep' {
  let found: Element | null = null;
  const stack: Array<{ node: ChildNode; depth: number }> = [];
  const pushChildren = (parent: ParentNode, depth: number): void => {
    for (let i = parent.children.length - 1; i >= 0; i--) {
      const child = parent.children[i];
      if (child) stack.push({ node: child, depth });
    }
  };
  pushChildren(root, 1);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { node, depth } = next;
    if (depth > MAX_DEPTH) return 'tooDeep';
    if (!DomUtils.isTag(node)) continue;
    if (found === null && isQuoteStart(node)) found = node;
    pushChildren(node, depth + 1);
  }
  return found;
}

/** Keep "ß" and "ä" as characters; only markup-significant characters become entities. */
const SERIALIZE = { encodeEntities: 'utf8' } as const;

const INVISIBLE = new Set(['head', 'style', 'script', 'title', 'template']);

/** Text or an image outside <head>/<style>; NBSP-only paragraphs (Outlook's spacing) are empty. */
function hasVisibleContent(root: ParentNode): boolean {
  const stack: ChildNode[] = [...root.children];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (DomUtils.isText(node) && node.data.trim() !== '') return true;
    if (!DomUtils.isTag(node) || INVISIBLE.has(node.name)) continue;
    if (node.name === 'img') return true;
    for (const child of node.children) stack.push(child);
  }
  return false;
}

/** Outlook draws an <hr> right before its header block; it belongs to the history. */
function withLeadingRule(start: Element): ChildNode {
  let previous = start.previousSibling;
  while (previous !== null && DomUtils.isText(previous) && previous.data.trim() === '') {
    previous = previous.previousSibling;
  }
  return previous !== null && DomUtils.isTag(previous) && previous.name === 'hr' ? previous : start;
}

export function splitReplyHtml(html: string): SplitReplyHtml {
  const document = parseDocument(html);
  const start = findQuoteStart(document);
  if (start === null || start === 'tooDeep') return { replyHtml: html, quotedHtml: '' };

  // The container and its later siblings, then the later siblings of each ancestor.
  const quoted: ChildNode[] = [];
  for (let sibling: ChildNode | null = withLeadingRule(start); sibling !== null; sibling = sibling.nextSibling) {
    quoted.push(sibling);
  }
  for (let parent = start.parent; parent !== null && parent !== document; parent = parent.parent) {
    for (let sibling = (parent as Element).nextSibling; sibling !== null; sibling = sibling.nextSibling) {
      quoted.push(sibling);
    }
  }
  const quotedHtml = quoted.map((n) => DomUtils.getOuterHTML(n, SERIALIZE)).join('');
  for (const n of quoted) DomUtils.removeElement(n);

  if (!hasVisibleContent(document)) return { replyHtml: html, quotedHtml: '' };
  return { replyHtml: DomUtils.getOuterHTML(document.children, SERIALIZE), quotedHtml };
}

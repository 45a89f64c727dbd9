/**
 * Splits the HTML body of a customer's reply into what the customer wrote, the signature and the
 * quoted history. HTML is parsed with a real parser (htmlparser2), never with regular
 * expressions; the parser and every pass over the tree are linear and iterative.
 *
 * Two signals find the history:
 * - the quote container a client puts around it (Gmail's div.gmail_quote, Outlook's
 *   #divRplyFwdMsg and #appendonsend, Thunderbird's .moz-cite-prefix, Yahoo's …yahoo_quoted,
 *   Apple Mail's <blockquote type="cite">);
 * - the quote header in ordinary paragraphs, for clients that write no container: Outlook desktop
 *   (a border-top div or <hr id="stopSpelling"> and "Von:/Gesendet:/An:/Betreff:" in MsoNormal
 *   paragraphs), Windows Mail, Outlook for Mac, and the webmailers (GMX, Web.de, T-Online,
 *   Mail.ru, Yandex) that write "… schrieb:" / "… wrote:" / "… пишет:" above a plain
 *   <blockquote>. The document is turned into lines (block elements and <br> end a line,
 *   <blockquote> content is prefixed with "> ") and the lines are classified by the plain-text
 *   splitter's rules (reply-text.ts, with the header words of reply-headers.ts), so both splitters
 *   know the same headers.
 *
 * Usage:
 *   const { replyHtml, quotedHtml } = splitReplyHtml(mail.html);
 *   // replyHtml is still untrusted mail HTML: sanitise before display.
 */
import { parseDocument, DomUtils } from 'htmlparser2';
import { Text, type ChildNode, type Document, type Element, type ParentNode } from 'domhandler';
import { analyseReplyLines } from './reply-text.js';

export interface SplitReplyHtml {
  /** The HTML without signature and quoted history; the input unchanged when nothing is left of it. */
  replyHtml: string;
  /** The removed signature and history, in document order. */
  quotedHtml: string;
  /** The text lines of the whole document as the splitter read them. */
  lines: string[];
  /** The line where the removed part begins (signature or history); `lines.length` when nothing was removed. */
  cutLine: number;
  /** The first quote header or container, wherever it stands (a forward's too); -1 when none. */
  firstHeader: number;
  /** Where the history begins by the line rules, before the rule that keeps a bare forward whole: the first header, else a trailing quote. */
  historyLine: number;
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

/** Where a client's quote container begins; everything from there to the end is history. */
function isQuoteContainer(element: Element): boolean {
  const id = element.attribs['id'];
  if (id === 'divRplyFwdMsg' || id === 'appendonsend' || id === 'mail-editor-reference-message-container') {
    return true; // Outlook (desktop, web, new Outlook)
  }
  if (element.name === 'div' && (hasClass(element, 'gmail_quote') || hasClass(element, 'gmail_quote_container'))) {
    return true; // Gmail
  }
  if (hasClass(element, 'moz-cite-prefix')) return true; // Thunderbird
  // Yahoo prefixes its class names per message: "ydp9b1f0a55yahoo_quoted".
  const classes = element.attribs['class'];
  if (classes !== undefined && classes.split(/\s+/).some((c) => c.endsWith('yahoo_quoted'))) return true;
  // Apple Mail and Thunderbird wrap the quote itself in <blockquote type="cite">.
  return element.name === 'blockquote' && element.attribs['type']?.toLowerCase() === 'cite';
}

/** Where a client's signature element begins (only a signature when some text stands above it). */
function isSignatureElement(element: Element): boolean {
  const id = element.attribs['id'];
  if (id === 'Signature' || id === 'AppleMailSignature' || id === 'ms-outlook-mobile-signature') {
    return true; // Outlook on the web and new Outlook, iOS Mail, Outlook mobile
  }
  return hasClass(element, 'gmail_signature') || hasClass(element, 'moz-signature'); // Gmail, Thunderbird
}

const INVISIBLE = new Set(['head', 'style', 'script', 'title', 'template']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol',
  'p', 'pre', 'section', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);
/** Stands in for an image in a line, so that a reply that is only a picture counts as text. */
const IMAGE_MARK = '\u{FFFC}';

interface Lines {
  text: string[];
  /** The node where each line begins (the outermost element opened before its first content). */
  start: Array<ChildNode | null>;
  /** Where in its start node a line begins: past 0 only for the later lines of a <pre> text. */
  offset: number[];
  /** Lines that begin a client's quote container. */
  containers: Set<number>;
  /** Lines that begin a client's signature element. */
  signatures: Set<number>;
}

/** The document as lines of text; null when it nests deeper than MAX_DEPTH. */
function toLines(root: ParentNode): Lines | null {
  const text: string[] = [];
  const start: Array<ChildNode | null> = [];
  const offset: number[] = [];
  let lineOffset = 0;
  const containers = new Set<number>();
  const signatures = new Set<number>();
  let signaturePending = false;
  let current = '';
  let explicit = false; // a <br> or an NBSP: the line exists even when it shows nothing
  let lineStart: ChildNode | null = null;
  let pendingStart: ChildNode | null = null;
  let containerPending = false;
  let quoteDepth = 0;
  let preDepth = 0;

  const breakLine = (): void => {
    if (current.trim() !== '' || explicit) {
      // One "> " whatever the depth: the line rules only ask whether a line is quoted, and a
      // prefix per level would grow with depth × lines (500 levels × 100 000 <br> = 100 MB).
      const prefix = quoteDepth > 0 ? '> ' : '';
      text.push(prefix + current.replace(/[ \t]+/g, ' ').trim());
      start.push(lineStart);
      offset.push(lineOffset);
      if (containerPending && current.trim() !== '') {
        containers.add(text.length - 1);
        containerPending = false;
      }
      if (signaturePending && current.trim() !== '') {
        signatures.add(text.length - 1);
        signaturePending = false;
      }
    }
    current = '';
    explicit = false;
    lineStart = null;
    pendingStart = null;
    lineOffset = 0;
  };
  const append = (s: string, node: ChildNode, at = 0): void => {
    if (current === '' && lineStart === null) {
      lineStart = pendingStart ?? node;
      lineOffset = lineStart === node ? at : 0;
    }
    current += s;
  };

  type Step = { node: ChildNode; depth: number; exit: boolean };
  const stack: Step[] = [];
  const pushChildren = (parent: ParentNode, depth: number): void => {
    for (let i = parent.children.length - 1; i >= 0; i--) {
      const child = parent.children[i];
      if (child) stack.push({ node: child, depth, exit: false });
    }
  };
  pushChildren(root, 1);
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const { node, depth, exit } = step;
    if (depth > MAX_DEPTH) return null;
    if (DomUtils.isText(node)) {
      const data = node.data;
      if (data.includes('\u00a0')) explicit = true;
      if (preDepth > 0) {
        // Each line of preformatted text starts at its offset in the text node, so that a cut
        // can split the node there.
        let at = 0;
        for (const part of data.split(/\r\n|\r|\n/)) {
          if (at > 0) {
            explicit = true;
            breakLine();
          }
          if (part !== '') append(part.replace(/\u00a0/g, ' '), node, at);
          at += part.length + (data.charAt(at + part.length) === '\r' && data.charAt(at + part.length + 1) === '\n' ? 2 : 1);
        }
      } else {
        const collapsed = data.replace(/[\s\u00a0]+/g, ' ');
        if (collapsed.trim() !== '' || current !== '') append(collapsed, node);
      }
      continue;
    }
    if (!DomUtils.isTag(node) || INVISIBLE.has(node.name)) continue;
    const name = node.name;
    if (exit) {
      if (BLOCK.has(name)) breakLine();
      if (name === 'blockquote') quoteDepth--;
      if (name === 'pre') preDepth--;
      continue;
    }
    if (name === 'br') {
      if (current === '' && lineStart === null) lineStart = pendingStart ?? node;
      explicit = true;
      breakLine();
      continue;
    }
    if (name === 'img') {
      append(IMAGE_MARK, node);
      continue;
    }
    if (BLOCK.has(name)) breakLine();
    if (name === 'hr') {
      // Outlook draws a rule right before its header block; as a line it is a rule of dashes,
      // which the line rules count as history only when a header follows.
      lineStart = node;
      current = '-----';
      breakLine();
      continue;
    }
    if (isQuoteContainer(node)) {
      breakLine();
      containerPending = true;
    } else if (isSignatureElement(node)) {
      breakLine();
      signaturePending = true;
    }
    if (current === '' && pendingStart === null) pendingStart = node;
    if (name === 'blockquote') quoteDepth++;
    if (name === 'pre') preDepth++;
    if (name === 'td' || name === 'th') append(' ', node);
    stack.push({ node, depth, exit: true });
    pushChildren(node, depth + 1);
  }
  breakLine();
  return { text, start, offset, containers, signatures };
}

/** Keep "ß" and "ä" as characters; only markup-significant characters become entities. */
const SERIALIZE = { encodeEntities: 'utf8' } as const;

/** Text or an image outside <head>/<style>; NBSP-only paragraphs (Outlook's spacing) are empty. */
function hasVisibleContent(root: Document | ChildNode): boolean {
  const stack: ChildNode[] = root.type === 'root' ? [...(root as Document).children] : [root as ChildNode];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (DomUtils.isText(node) && node.data.trim() !== '') return true;
    if (!DomUtils.isTag(node) || INVISIBLE.has(node.name)) continue;
    if (node.name === 'img') return true;
    for (const child of node.children) stack.push(child);
  }
  return false;
}

/**
 * The outermost node that begins where `node` begins: climbs while nothing visible stands before
 * it in its parent, so that the cut takes Outlook's border-top div and Gmail's gmail_extra
 * wrapper along instead of leaving them empty in the reply.
 */
function outermostStart(node: ChildNode, document: Document): ChildNode {
  let current = node;
  for (let parent = current.parent; parent !== null && parent !== document; parent = parent.parent) {
    if (DomUtils.isTag(parent) && (parent.name === 'body' || parent.name === 'html')) break;
    let visibleBefore = false;
    for (let sibling = current.prev; sibling !== null; sibling = sibling.prev) {
      if (hasVisibleContent(sibling)) {
        visibleBefore = true;
        break;
      }
    }
    if (visibleBefore) break;
    current = parent as Element;
  }
  // Spacing before the history (empty divs, <br>, NBSP paragraphs) goes with it.
  while (current.prev !== null && !hasVisibleContent(current.prev)) current = current.prev;
  return current;
}

/** Removes `start` and everything after it in document order; returns the removed HTML. */
function cutFrom(document: Document, start: ChildNode): string {
  const quoted: ChildNode[] = [];
  for (let sibling: ChildNode | null = start; sibling !== null; sibling = sibling.nextSibling) quoted.push(sibling);
  for (let parent = start.parent; parent !== null && parent !== document; parent = parent.parent) {
    for (let sibling = (parent as Element).nextSibling; sibling !== null; sibling = sibling.nextSibling) {
      quoted.push(sibling);
    }
  }
  const quotedHtml = quoted.map((n) => DomUtils.getOuterHTML(n, SERIALIZE)).join('');
  for (const n of quoted) DomUtils.removeElement(n);
  return quotedHtml;
}

/**
 * Splits the HTML at line `forcedCut` when given (the agreed cut of splitCustomerReply), else
 * where the line rules and the quote containers put the signature or the history.
 */
export function splitReplyHtml(html: string, forcedCut?: number): SplitReplyHtml {
  const document = parseDocument(html);
  const lines = toLines(document);
  if (lines === null) return { replyHtml: html, quotedHtml: '', lines: [], cutLine: 0, firstHeader: -1, historyLine: 0 };
  const n = lines.text.length;
  const whole = { replyHtml: html, quotedHtml: '', lines: lines.text, cutLine: n };

  const analysis = analyseReplyLines(lines.text, lines.containers, lines.signatures);
  // The history ends the reply: the main cut, or a trailing `>` block (a plain <blockquote>
  // after the customer's text), whichever comes first.
  let historyStart = analysis.cut;
  while (historyStart > 0) {
    const k = historyStart - 1;
    if (k < analysis.cut && !analysis.quotedLine[k] && !analysis.empty[k]) break;
    historyStart = k;
  }
  while (historyStart < n && analysis.empty[historyStart]) historyStart++;
  let cutLine = forcedCut ?? Math.min(analysis.sigStart, historyStart);
  const firstHeader = analysis.firstHeader;
  const historyLine = firstHeader >= 0 ? Math.min(firstHeader, historyStart) : historyStart;
  if (cutLine >= n) return { ...whole, firstHeader, historyLine };
  // A cut on a line with no node of its own (text after a <br> in the same text node) moves to
  // the next line that has one.
  let startNode = lines.start[cutLine] ?? null;
  while (startNode === null && cutLine < n - 1) startNode = lines.start[++cutLine] ?? null;
  if (startNode === null) return { ...whole, firstHeader, historyLine };

  const at = lines.offset[cutLine] ?? 0;
  if (at > 0 && DomUtils.isText(startNode)) {
    // The cut falls inside a <pre> text: split the text node there.
    const rest = new Text(startNode.data.slice(at));
    startNode.data = startNode.data.slice(0, at);
    DomUtils.append(startNode, rest);
    startNode = rest;
  }
  const quotedHtml = cutFrom(document, outermostStart(startNode, document));
  if (!hasVisibleContent(document)) return { ...whole, firstHeader, historyLine };
  return {
    replyHtml: DomUtils.getOuterHTML(document.children, SERIALIZE),
    quotedHtml,
    lines: lines.text,
    cutLine,
    firstHeader,
    historyLine,
  };
}

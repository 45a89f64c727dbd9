/**
 * Text decoding by Windows code page or MIME charset, through the WHATWG decoders Node ships
 * with full ICU. Unknown or hostile charsets fall back to latin1, which maps every byte to one
 * character and therefore never throws or loses bytes (RELIABILITY M7).
 */

const WINDOWS_CODE_PAGES: ReadonlyMap<number, string> = new Map([
  [437, 'ibm866'], // no cp437 decoder exists; both are DOS OEM pages and agree on ASCII
  [866, 'ibm866'],
  [874, 'windows-874'],
  [932, 'shift_jis'],
  [936, 'gbk'],
  [949, 'euc-kr'],
  [950, 'big5'],
  [1200, 'utf-16le'],
  [1201, 'utf-16be'],
  [20127, 'us-ascii'],
  [20866, 'koi8-r'],
  [21866, 'koi8-u'],
  [28591, 'iso-8859-1'],
  [28592, 'iso-8859-2'],
  [28595, 'iso-8859-5'],
  [28597, 'iso-8859-7'],
  [28605, 'iso-8859-15'],
  [50220, 'iso-2022-jp'],
  [51932, 'euc-jp'],
  [54936, 'gb18030'],
  [65001, 'utf-8'],
]);

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key, { fatal: false });
    } catch {
      decoder = null;
    }
    // Labels come from mail, so the cache is kept small rather than grown without bound.
    if (decoders.size < 256) decoders.set(key, decoder);
  }
  return decoder;
}

/** The decoder label for a Windows code page number (1252 → windows-1252). */
export function codePageLabel(codePage: number): string {
  if (codePage >= 1250 && codePage <= 1258) return `windows-${codePage}`;
  return WINDOWS_CODE_PAGES.get(codePage) ?? 'windows-1252';
}

/**
 * Decodes bytes in a charset named by a mail or an RTF document ("utf-8", "cp1252", "x-foo").
 * UTF-7 is refused on purpose: `+ADw-script+AD4-` would turn into markup after any filter ran.
 */
export function decodeText(bytes: Uint8Array, charset: string | null | undefined): string {
  const name = (charset ?? '').trim().toLowerCase();
  const cp = /^(?:cp|windows-|x-cp)(\d+)$/.exec(name);
  const label = cp?.[1] !== undefined ? codePageLabel(Number(cp[1])) : name || 'utf-8';
  if (/^(?:x-|cs)?(?:unicode-1-1-)?utf-?7/.test(label)) return Buffer.from(bytes).toString('latin1');
  const decoder = decoderFor(label);
  return decoder ? decoder.decode(bytes) : Buffer.from(bytes).toString('latin1');
}

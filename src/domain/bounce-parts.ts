/**
 * Reading a mail's text without a MIME parser, for bounces whose parts the adapter did not hand
 * over: header fields, and the decoded body of a part found by its Content-Type.
 */

/** Header fields by lower-cased name, values in order; a Map so that `__proto__` is only data (M9). */
export type Fields = Map<string, string[]>;

/**
 * The decoded body of the first part whose Content-Type matches, searched from `from`. The part
 * ends at the boundary line that opened it (exact match, so a boundary that is a prefix of
 * another does not end it early, M5), or at the end of the text when there is none.
 */
export function rawPartBody(lines: string[], from: number, type: RegExp): string | null {
  for (let i = from; i < lines.length; i++) {
    if (lines[i]!.length < 13) continue;
    const m = /^content-type:[ \t]*(.*)$/i.exec(lines[i]!);
    if (!m || !type.test(m[1]!.trim())) continue;
    let start = i;
    while (start > from && lines[start - 1]!.trim() !== '' && !lines[start - 1]!.startsWith('--')) start--;
    const boundary = start > from && lines[start - 1]!.startsWith('--') ? lines[start - 1]!.trimEnd() : null;
    const end = firstBlankLine(lines, i);
    const partHeaders = parseFields(lines.slice(start, end));
    let stop = lines.length;
    if (boundary !== null) {
      for (let j = end + 1; j < lines.length; j++) {
        const l = lines[j]!.trimEnd();
        if (l === boundary || l === `${boundary}--`) {
          stop = j;
          break;
        }
      }
    }
    const body = lines.slice(end + 1, stop).join('\n');
    return decodeTransfer(body, field(partHeaders, 'content-transfer-encoding'));
  }
  return null;
}

export function decodeTransfer(body: string, encoding: string | undefined): string {
  const e = encoding?.trim().toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = Buffer.from(body.replace(/=\r?\n/g, ''), 'latin1');
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const hex = bytes[i] === 0x3d ? bytes.subarray(i + 1, i + 3).toString('latin1') : '';
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
      } else out.push(bytes[i]!);
    }
    return Buffer.from(out).toString('utf8');
  }
  return body;
}

export function firstBlankLine(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i]!.trim() === '') return i;
  return lines.length;
}

/** RFC 5322 fields, unfolded; a Map so that a field named `__proto__` is only data (M9). */
export function parseFields(lines: string[]): Fields {
  const out: Fields = new Map();
  let name: string | null = null;
  let value = '';
  const flush = (): void => {
    if (name !== null) out.set(name, [...(out.get(name) ?? []), value.trim()]);
    name = null;
  };
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && name !== null) {
      value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (m) {
      name = m[1]!.toLowerCase();
      value = m[2]!;
    }
  }
  flush();
  return out;
}

export function field(fields: Fields, name: string): string | undefined {
  return fields.get(name)?.[0];
}

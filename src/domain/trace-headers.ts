/**
 * Reading the trace (Received:) headers of the raw header block without a MIME parser: counting
 * them for loop detection at the SMTP door, and finding the client that handed the mail to the
 * MTA in front of our LMTP listener (SPF must judge that client, not the MTA).
 */

/** RFC 5321 §6.3 asks for loop detection by counting Received fields; more than 100 is a loop (L4). */
export const MAX_RECEIVED_HEADERS = 100;

/** The header block (up to the first empty line), at most `limit` bytes, as latin1 text. */
export function headerBlock(raw: Buffer, limit = 1024 * 1024): string {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) : raw.length;
  return raw.subarray(0, Math.min(end, limit)).toString('latin1');
}

export function countReceivedHeaders(raw: Buffer): number {
  let n = 0;
  for (const line of headerBlock(raw).split(/\r?\n/)) if (/^received:/i.test(line)) n++;
  return n;
}

/**
 * The client of the topmost Received header, as Postfix and Exim write it:
 * `from helo.name (rdns [192.0.2.1])` or `from helo.name ([IPv6:2001:db8::1])`.
 */
export function topReceivedClient(raw: Buffer): { ip: string; helo: string | null } | null {
  const lines = headerBlock(raw).split(/\r?\n/);
  const start = lines.findIndex((l) => /^received:/i.test(l));
  if (start < 0) return null;
  let value = lines[start]!.slice(9);
  for (let i = start + 1; i < lines.length && /^[ \t]/.test(lines[i]!); i++) value += ' ' + lines[i]!.trim();
  value = value.slice(0, 2000);
  const ip = /\[(?:IPv6:)?([0-9a-fA-F:.]{3,45})\]/.exec(value)?.[1];
  if (!ip) return null;
  const helo = /^\s*from\s+([^\s(;]+)/i.exec(value)?.[1] ?? null;
  return { ip, helo };
}

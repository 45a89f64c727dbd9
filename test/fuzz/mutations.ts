/**
 * Inputs for the fuzzers: real seeds (files of test/corpus) changed by a short list of
 * mutations, in the manner of AFL's havoc stage, plus bytes made up from nothing. fast-check
 * generates the mutation lists, so a failing input shrinks to the fewest, smallest mutations
 * that still fail, and a seed number reproduces a run.
 */
import fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'splice'; from: number; at: number; length: number };

/** What a mutated input is made of; `fromSeeds` turns it into bytes. */
export interface MutatedInput {
  seed: number;
  mutations: Mutation[];
}

function mutationArbitrary(tokens: readonly Buffer[]): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const inserted =
    tokens.length > 0
      ? fc.oneof(
          fc.uint8Array({ maxLength: 32 }),
          fc.constantFrom(...tokens).map((t) => new Uint8Array(t)),
        )
      : fc.uint8Array({ maxLength: 32 });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at, byte: fc.nat({ max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.nat({ max: 256 }) }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: inserted }),
    // Repetition finds what grows faster than the input: nesting, long lines, many parts.
    fc.record({ kind: fc.constant('repeat' as const), at, length: fc.integer({ min: 1, max: 512 }), times: fc.integer({ min: 2, max: 200 }) }),
    fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), at, length: fc.integer({ min: 1, max: 8192 }) }),
  );
}

/** Applies the mutations in order. Positions are taken modulo the current length, so any list fits any seed. */
export function applyMutations(seed: Buffer, mutations: readonly Mutation[], seeds: readonly Buffer[], maxBytes: number): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const pos = (n: number): number => (b.length === 0 ? 0 : n % (b.length + 1));
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[m.at % b.length]! ^= 1 << m.bit;
        break;
      case 'set':
        if (b.length > 0) b[m.at % b.length] = m.byte;
        break;
      case 'truncate':
        b = b.subarray(0, pos(m.at));
        break;
      case 'delete': {
        const p = pos(m.at);
        b = Buffer.concat([b.subarray(0, p), b.subarray(p + m.length)]);
        break;
      }
      case 'insert': {
        const p = pos(m.at);
        b = Buffer.concat([b.subarray(0, p), Buffer.from(m.bytes), b.subarray(p)]);
        break;
      }
      case 'repeat': {
        const p = pos(m.at);
        const slice = b.subarray(p, p + m.length);
        b = Buffer.concat([b.subarray(0, p), ...Array<Buffer>(m.times).fill(slice), b.subarray(p + slice.length)]);
        break;
      }
      case 'splice': {
        const other = seeds[m.from % seeds.length]!;
        const start = other.length === 0 ? 0 : (m.at * 7919) % other.length;
        const p = pos(m.at);
        b = Buffer.concat([b.subarray(0, p), other.subarray(start, start + m.length), b.subarray(p)]);
        break;
      }
    }
    if (b.length > maxBytes) b = b.subarray(0, maxBytes);
  }
  return b;
}

/**
 * Bytes for one fuzz input: nine in ten are a mutated seed, one in ten made up from nothing
 * (tokens and random bytes), so that inputs unlike any seed are tried too.
 */
export function fuzzBytes(seeds: readonly Buffer[], tokens: readonly Buffer[], maxBytes: number): fc.Arbitrary<Buffer> {
  const mutated = fc
    .record({ seed: fc.nat({ max: Math.max(0, seeds.length - 1) }), mutations: fc.array(mutationArbitrary(tokens), { maxLength: 8 }) })
    .map(({ seed, mutations }: MutatedInput) => applyMutations(seeds[seed] ?? Buffer.alloc(0), mutations, seeds, maxBytes));
  const madeUp = fc
    .array(tokens.length > 0 ? fc.oneof(fc.constantFrom(...tokens), fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u))) : fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)), { maxLength: 64 })
    .map((parts) => Buffer.concat(parts).subarray(0, maxBytes));
  return fc.oneof({ arbitrary: mutated, weight: 9 }, { arbitrary: madeUp, weight: 1 });
}

/** Token lists: the bytes that steer each parser into its rarer paths. */
export const MIME_TOKENS = [
  '\r\n',
  '\n',
  '\r\n\r\n',
  '--',
  '--b1\r\n',
  '--b1--\r\n',
  'Content-Type: multipart/mixed; boundary="b1"\r\n',
  'Content-Type: message/rfc822\r\n',
  'Content-Type: application/ms-tnef\r\n',
  'Content-Type: text/html; charset=utf-7\r\n',
  'Content-Type: text/plain; charset=iso-2022-jp\r\n',
  'Content-Transfer-Encoding: base64\r\n',
  'Content-Transfer-Encoding: quoted-printable\r\n',
  'Content-Transfer-Encoding: uuencode\r\n',
  'Content-Disposition: attachment; filename*=utf-8\'\'%E2%82%AC.zip\r\n',
  '=?utf-8?B?w6TDtsO8?=',
  '=?iso-8859-1?Q?=E4?=',
  '=?',
  '?=',
  '=\r\n',
  '=3D',
  'begin 644 a.txt\r\n',
  'Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n',
  'From: "a" <a@example.com>, b@example.com\r\n',
  'Subject: Re: [Case #1042] x\r\n',
  '\0',
  '\t',
  ' ',
  '"',
  '<',
  '>',
].map((s) => Buffer.from(s, 'latin1'));

export const TEXT_REPLY_TOKENS = [
  '\n',
  '\r\n',
  '> ',
  '>> ',
  '> > > ',
  'On Mon, Jan 1, 2024 at 10:00 AM Jane <jane@example.com> wrote:\n',
  'Am 01.01.2024 um 10:00 schrieb Jane Doe <jane@example.com>:\n',
  '-----Original Message-----\n',
  '-----Ursprüngliche Nachricht-----\n',
  'Von: Jane\nGesendet: Montag\nAn: support\nBetreff: x\n',
  'From: Jane\nSent: Monday\nTo: support\nSubject: x\n',
  '-- \n',
  '__________\n',
  'Sent from my iPhone\n',
  'Mit freundlichen Grüßen\n',
  '    ',
  '\u00a0',
  '\u200b',
].map((s) => Buffer.from(s, 'utf8'));

export const HTML_REPLY_TOKENS = [
  '<blockquote type="cite">',
  '</blockquote>',
  '<div class="gmail_quote">',
  '<div id="divRplyFwdMsg">',
  '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">',
  '<hr id="stopSpelling">',
  '<p class="MsoNormal"><b>Von:</b> Jane<br><b>Gesendet:</b> Montag<br><b>An:</b> x<br><b>Betreff:</b> y</p>',
  '<div class="moz-cite-prefix">On 01.01.2024 Jane wrote:<br></div>',
  '<div>',
  '</div>',
  '<br>',
  '<p>',
  '</p>',
  '<table><tr><td>',
  '</td></tr></table>',
  '<!--',
  '-->',
  '<![CDATA[',
  '<script>',
  '<style>',
  '&nbsp;',
  '&#',
  '<',
  '>',
].map((s) => Buffer.from(s, 'utf8'));

export const TNEF_TOKENS = [
  Buffer.from([0x78, 0x9f, 0x3e, 0x22]), // TNEF signature
  Buffer.from([0x01, 0x06, 0x90, 0x08, 0x00]), // attMAPIProps
  Buffer.from([0x02, 0x02, 0x90, 0x06, 0x00]), // attAttachRendData
  Buffer.from([0x02, 0x0f, 0x00, 0x05, 0x00]), // attAttachData
  Buffer.from('LZFu', 'latin1'),
  Buffer.from('MELA', 'latin1'),
  Buffer.from([0xff, 0xff, 0xff, 0xff]),
  Buffer.from([0x00, 0x00, 0x00, 0x00]),
  Buffer.from([0x02, 0x01, 0x09, 0x10]), // PR_RTF_COMPRESSED
  Buffer.from([0x1e, 0x00, 0x01, 0x30]), // a string property
];

export const ZIP_TOKENS = [
  Buffer.from('PK\x03\x04', 'latin1'),
  Buffer.from('PK\x01\x02', 'latin1'),
  Buffer.from('PK\x05\x06', 'latin1'),
  Buffer.from('PK\x06\x06', 'latin1'),
  Buffer.from('PK\x06\x07', 'latin1'),
  Buffer.from('../', 'latin1'),
  Buffer.from([0xff, 0xff, 0xff, 0xff]),
  Buffer.from([0x00, 0x00]),
  Buffer.from([0x08, 0x00]),
];

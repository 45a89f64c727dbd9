import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * The refinements' own English words (`.refine(noBreaks, 'must be one line')`, the template
 * placeholder checks of installation-settings.ts) in German; a refinement missing here reads
 * "ist ungültig" in German, still naming the field.
 */
const REFINEMENT_DE: Array<[RegExp, string]> = [
  [/^must be one line$/, 'muss in eine Zeile passen'],
  [/^must not contain line breaks$/, 'darf keine Zeilenumbrüche enthalten'],
  [/^(\{\{\{.*\}\}\}) would insert unescaped HTML; write (\{\{.*\}\})$/, '$1 würde HTML ungeschützt einfügen; schreiben Sie $2'],
  [/^unknown variable (\{\{.*\}\}); known: (.*)$/, 'unbekannte Variable $1; bekannt sind: $2'],
  [/^write (\{\{.*\}\}) without spaces$/, 'schreiben Sie $1 ohne Leerzeichen'],
  [/^a \{\{ or \}\} without its partner$/, 'ein {{ oder }} ohne Gegenstück'],
];

function refinementDe(message: string): string {
  const hit = REFINEMENT_DE.find(([en]) => en.test(message));
  return hit ? message.replace(hit[0], hit[1]) : 'ist ungültig';
}

/** The German side of a zod problem, by its code and numbers; zod's messages are English only. */
function germanProblem(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'invalid_type':
      return /received undefined/.test(i.message) ? 'fehlt' : `hat den falschen Typ (erwartet: ${i.expected})`;
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? 'darf nicht leer sein' : `braucht mindestens ${i.minimum} Zeichen`;
      if (i.origin === 'array' || i.origin === 'set') return `braucht mindestens ${i.minimum} Einträge`;
      return `muss mindestens ${i.minimum} sein`;
    case 'too_big':
      if (i.origin === 'string') return `darf höchstens ${i.maximum} Zeichen haben`;
      if (i.origin === 'array' || i.origin === 'set') return `darf höchstens ${i.maximum} Einträge haben`;
      return `darf höchstens ${i.maximum} sein`;
    case 'invalid_format':
      if (i.format === 'email') return 'ist keine gültige E-Mail-Adresse';
      if (i.format === 'url') return 'ist keine gültige URL';
      return `hat nicht das erwartete Format (${i.format})`;
    case 'invalid_value':
      return `muss einer dieser Werte sein: ${i.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unbekannte Felder: ${i.keys.join(', ')}`;
    case 'custom':
      return refinementDe(i.message);
    default:
      return 'ist ungültig';
  }
}

/**
 * Checks `input` against `schema` and returns the parsed value; the first problem becomes an
 * `invalid_input` error that names the field, so every use case rejects bad input the same way.
 *
 * Usage:
 *   const i = parseInput(z.object({ name: z.string().min(1) }), body);
 */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.path.join('.');
    throw new AppError('invalid_input', { de: `${field || 'Eingabe'}: ${germanProblem(i)}`, en: `${field || 'input'}: ${i.message}` }, { field });
  }
  return r.data;
}

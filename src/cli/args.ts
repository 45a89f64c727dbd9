import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Text } from '../app/errors.js';
import { UsageError, withUsage } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util's parseArgs words its complaints in English; the German side names the same option
 * by the error's code (Node 20 and 22 share these three codes and the quoted option).
 */
function argumentProblem(e: Error & { code?: string }): Text {
  const en = e.message.split('\n')[0]!;
  const option = /'(-[^' ]+)/.exec(en)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return { de: `unbekannte Option ${option}`, en };
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return { de: /does not take an argument/.test(en) ? `die Option ${option} nimmt keinen Wert` : `die Option ${option} braucht einen Wert`, en };
  }
  return { de: `ungültige Argumente (${en})`, en };
}

/** Strict argument parsing: unknown flags and missing values are usage errors (exit 2). */
export function parse<O extends Options>(argv: string[], options: O, usage: string, positionals = 0) {
  let r: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    r = parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true }) as typeof r;
  } catch (e) {
    throw new UsageError(withUsage(argumentProblem(e as Error), usage));
  }
  if (r.values.help) throw new UsageError(withUsage(null, usage));
  if (r.positionals.length !== positionals) {
    throw new UsageError(withUsage({ de: `${positionals} Argument(e) erwartet, ${r.positionals.length} erhalten`, en: `expected ${positionals} argument(s), got ${r.positionals.length}` }, usage));
  }
  return { values: r.values, positionals: r.positionals, json: Boolean(r.values.json) };
}

export function required(values: Record<string, unknown>, name: string, usage: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(withUsage({ de: `--${name} fehlt`, en: `missing --${name}` }, usage));
  return v;
}

export function caseNumber(v: string | undefined, usage: string): number {
  if (!v || !/^\d{1,12}$/.test(v)) {
    throw new UsageError(withUsage({ de: `die Fallnummer muss eine positive ganze Zahl sein, nicht „${v ?? ''}“`, en: `case number must be a positive whole number, got "${v ?? ''}"` }, usage));
  }
  return Number(v);
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict argument parsing: unknown flags and missing values are usage errors (exit 2). */
export function parse<O extends Options>(argv: string[], options: O, usage: string, positionals = 0) {
  let r: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    r = parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true }) as typeof r;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}\nusage: ${usage}`);
  }
  if (r.values.help) throw new UsageError(`usage: ${usage}`);
  if (r.positionals.length !== positionals) throw new UsageError(`expected ${positionals} argument(s), got ${r.positionals.length}\nusage: ${usage}`);
  return { values: r.values, positionals: r.positionals, json: Boolean(r.values.json) };
}

export function required(values: Record<string, unknown>, name: string, usage: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`missing --${name}\nusage: ${usage}`);
  return v;
}

export function caseNumber(v: string | undefined, usage: string): number {
  if (!v || !/^\d{1,12}$/.test(v)) throw new UsageError(`case number must be a positive whole number, got "${v ?? ''}"\nusage: ${usage}`);
  return Number(v);
}

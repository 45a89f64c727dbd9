import { describeConfig, loadConfig } from '../../config/config.js';
import { parse } from '../args.js';
import { printJson, printTable } from '../output.js';

export async function printConfigCommand(argv: string[]): Promise<number> {
  const { json } = parse(argv, {}, 'supportal print-config [--json]');
  const rows = describeConfig(loadConfig(process.env, { createSecret: false }));
  if (json) printJson(Object.fromEntries(rows.map((r) => [r.env, r.value])));
  else printTable(rows, ['env', 'value']);
  return 0;
}

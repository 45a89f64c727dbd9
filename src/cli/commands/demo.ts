import { seedDemo } from '../../app/demo.js';
import type { Runtime } from '../../composition.js';
import { parse } from '../args.js';
import { printJson, printLine } from '../output.js';

export async function demoCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const { json } = parse(argv, {}, 'supportal demo [--json]');
  const r = await rt();
  const res = await seedDemo(r.ctx);
  if (json) {
    printJson(res);
    return 0;
  }
  printLine(res.created.length ? `demo data created: ${res.created.join(', ')}` : 'demo data present already; nothing changed');
  printLine(`Portal: ${r.config.publicUrl}   SMTP listener: ${r.config.smtpHost}:${r.config.smtpPort ?? 'off'}`);
  printLine('Logins:');
  for (const l of res.logins) printLine(`  ${l.role.padEnd(9)} ${l.email.padEnd(22)} ${l.password}`);
  return 0;
}

import { addUser } from '../../app/users.js';
import type { Runtime } from '../../composition.js';
import { parse, required } from '../args.js';
import { UsageError, printJson, printLine, printTable, withUsage } from '../output.js';
import { promptPassword, readPasswordFromStdin } from '../password-input.js';

const ADD = 'supportal user add --role customer|agent|admin --email E --name N [--org NAME] [--customer-no N] [--lang de|en] [--password-stdin] [--org-admin] [--json]';
const LIST = 'supportal user list [--role R] [--json]';

export async function userCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') {
    const { values, json } = parse(
      rest,
      {
        role: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        org: { type: 'string' },
        'customer-no': { type: 'string' },
        lang: { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'org-admin': { type: 'boolean' },
      },
      ADD,
    );
    const role = required(values, 'role', ADD);
    if (!['customer', 'agent', 'admin'].includes(role)) throw new UsageError(withUsage({ de: `--role muss customer, agent oder admin sein, nicht „${role}“`, en: `--role must be customer, agent or admin, got "${role}"` }, ADD));
    const lang = values.lang as string | undefined;
    if (lang !== undefined && !['de', 'en'].includes(lang)) throw new UsageError(withUsage({ de: `--lang muss de oder en sein, nicht „${lang}“`, en: `--lang must be de or en, got "${lang}"` }, ADD));
    // A password on the command line shows in `ps`, /proc/*/cmdline and the shell history.
    if (values.password !== undefined) throw new UsageError(withUsage({ de: '--password wird nicht angenommen: Das Passwort stünde in der Prozessliste und im Verlauf der Shell; geben Sie es über --password-stdin weiter oder beantworten Sie die Abfrage', en: '--password is not taken: it would show in the process list and the shell history; pipe it with --password-stdin, or answer the prompt' }, ADD));
    const password = values['password-stdin'] ? await readPasswordFromStdin() : process.stdin.isTTY ? await promptPassword('password') : undefined;
    const r = await rt();
    const u = await addUser(r.ctx, {
      role: role as 'customer',
      email: required(values, 'email', ADD),
      name: required(values, 'name', ADD),
      org: values.org as string | undefined,
      customerNo: values['customer-no'] as string | undefined,
      lang: lang as 'de' | undefined,
      password,
      orgAdmin: Boolean(values['org-admin']),
    });
    if (json) printJson({ id: u.id, email: u.email, role: u.role, language: u.language, organisationId: u.organisationId });
    else printLine(`added ${u.role} ${u.email}`);
    return 0;
  }
  if (sub === 'list') {
    const { values, json } = parse(rest, { role: { type: 'string' } }, LIST);
    const r = await rt();
    const users = await r.ctx.store.users.list(values.role ? { role: values.role as 'agent' } : {});
    const rows = users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, language: u.language, disabled: u.disabled }));
    if (json) printJson(rows);
    else printTable(rows, ['email', 'name', 'role', 'language', 'disabled']);
    return 0;
  }
  throw new UsageError(withUsage(null, ADD, LIST));
}

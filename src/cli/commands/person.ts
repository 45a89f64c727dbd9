import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { privacyContextFor, type Runtime } from '../../composition.js';
import { erasePerson, exportPerson, lookupPerson } from '../../app/privacy/person.js';
import { parse } from '../args.js';
import { CliFailure, UsageError, printJson, printLine, withUsage } from '../output.js';

const SHOW = 'supportal person show EMAIL [--json]';
const EXPORT = 'supportal person export EMAIL [--output FILE.zip] [--json]';
const ERASE = 'supportal person erase EMAIL [--force] [--json]';

/** Who ran the command, for the audit log: the operating-system account. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** `supportal person show|export|erase EMAIL`: GDPR access and erasure from the command line. */
export async function personCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'show') {
    const { positionals, json } = parse(rest, {}, SHOW, 1);
    const p = privacyContextFor(await rt());
    const s = await lookupPerson(p, positionals[0]);
    if (json) printJson(s);
    else {
      printLine(`${s.email}${s.account ? ` – ${s.account.name} (${s.account.role}${s.account.organisation ? `, ${s.account.organisation}` : ''})` : ' – no account'}`);
      for (const [k, v] of Object.entries(s.counts)) printLine(`  ${k}: ${v}`);
      if (s.openCases.length) printLine(`  open cases: ${s.openCases.map((n) => `#${n}`).join(', ')}`);
    }
    return 0;
  }
  if (sub === 'export') {
    const { values, positionals, json } = parse(rest, { output: { type: 'string', short: 'o' } }, EXPORT, 1);
    const email = positionals[0]!;
    const file = (values.output as string | undefined) ?? `person-${email.replace(/[^A-Za-z0-9@._-]/g, '_')}.zip`;
    if (existsSync(file)) throw new CliFailure({ de: `${file} gibt es bereits; nennen Sie mit --output eine andere Datei`, en: `${file} exists already; name another with --output` });
    const p = privacyContextFor(await rt());
    // Written beside the target and renamed when complete, so a failed export leaves no half ZIP;
    // 0600 because it holds everything about a person; 'wx' never overwrites an older export.
    const partial = `${file}.partial`;
    const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (err) => reject(new Error(`cannot write ${partial}: ${err.message}`)));
    });
    try {
      const r = await exportPerson(p, cliActor(), email, out);
      await rename(partial, file);
      if (json) printJson({ ...r, file });
      else printLine(`wrote ${file}: ${r.files} files (${Object.entries(r.counts).map(([k, v]) => `${v} ${k}`).join(', ')})`);
      return 0;
    } catch (e) {
      out.destroy();
      await rm(partial, { force: true });
      throw e;
    }
  }
  if (sub === 'erase') {
    const { values, positionals, json } = parse(rest, { force: { type: 'boolean' } }, ERASE, 1);
    const p = privacyContextFor(await rt());
    const r = await erasePerson(p, { id: null, label: cliActor() }, positionals[0], { force: Boolean(values.force) });
    if (json) printJson(r);
    else {
      const c = r.counts;
      printLine(`erased ${r.email}: account ${c.account}, ${c.casesAnonymised} cases (${c.casesClosed} closed), ${c.messages} messages, ${c.attachments} attachments, ${c.inboundMails} received mails, ${c.outboundMails} sent mails, ${c.sessions} sessions, ${c.apiTokens} API tokens`);
      if (!r.purged) printLine('warning: the database clean-up after the erase failed; the data is gone from every query, run it again or VACUUM to drop old row versions');
      if (r.residual.length) printLine(`note: ${r.residual.length} other records still mention the address or name (${[...new Set(r.residual.map((x) => x.table))].join(', ')}); review them`);
    }
    return 0;
  }
  throw new UsageError(withUsage(null, SHOW, EXPORT, ERASE));
}

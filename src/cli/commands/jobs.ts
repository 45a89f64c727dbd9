import type { Runtime } from '../../composition.js';
import { AppError } from '../../app/errors.js';
import { resolveId } from '../ids.js';
import { parse } from '../args.js';
import { UsageError, printJson, printLine, printTable, withUsage } from '../output.js';

const LIST = 'supportal jobs list [--status queued|running|done|dead] [--json]';
const RETRY = 'supportal jobs retry ID [--json]';

/** Background jobs; `--status dead` is the dead-letter queue that admins replay with `retry`. */
export async function jobsCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values, json } = parse(rest, { status: { type: 'string' } }, LIST);
    const r = await rt();
    const jobs = await r.ctx.store.jobs.list({ status: values.status as 'dead' | undefined });
    if (json) printJson(jobs);
    else printTable(jobs.map((j) => ({ ...j, payload: JSON.stringify(j.payload) })), ['id', 'kind', 'status', 'attempts', 'runAt', 'lastError', 'payload']);
    return 0;
  }
  if (sub === 'retry') {
    const { positionals, json } = parse(rest, {}, RETRY, 1);
    const r = await rt();
    const id = await resolveId(r, 'jobs', positionals[0]!);
    const ok = await r.ctx.store.jobs.retry(id, r.ctx.clock.now().toISOString());
    if (!ok) throw new AppError('not_found', { de: `es gibt keinen abgeschlossenen oder gescheiterten Job ${id}`, en: `there is no finished or dead job ${id}` });
    if (json) printJson({ id, status: 'queued' });
    else printLine(`job ${id} queued again`);
    return 0;
  }
  throw new UsageError(withUsage(null, LIST, RETRY));
}

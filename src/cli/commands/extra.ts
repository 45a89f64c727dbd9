import type { Runtime } from '../../composition.js';
import { ingestCommand } from './ingest.js';
import { mailCommand } from './mail.js';
import { jobsCommand } from './jobs.js';
import { personCommand } from './person.js';

/** Commands of the mail capabilities (ingest, mail, jobs), registered here to keep main.ts short. */
export const COMMANDS_WITH_RUNTIME_EXTRA: Record<string, (argv: string[], rt: () => Promise<Runtime>) => Promise<number>> = {
  ingest: ingestCommand,
  mail: mailCommand,
  jobs: jobsCommand,
  person: personCommand,
};

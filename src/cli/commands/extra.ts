import type { Runtime } from '../../composition.js';

/** Commands added by the mail capabilities (ingest, mail, jobs), registered here to keep main.ts short. */
export const COMMANDS_WITH_RUNTIME_EXTRA: Record<string, (argv: string[], rt: () => Promise<Runtime>) => Promise<number>> = {};

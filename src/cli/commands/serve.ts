import { startServer } from '../../server.js';
import { parse } from '../args.js';
import { ALL_ROLES, parseRoles } from '../../config/roles.js';
import { UsageError } from '../output.js';

const USAGE = 'supportal serve [--roles web,smtp,lmtp,worker,imap]';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { roles: { type: 'string' } }, USAGE);
  let roles = ALL_ROLES;
  if (values.roles !== undefined) {
    try {
      roles = parseRoles(String(values.roles));
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\nusage: ${USAGE}`);
    }
  }
  const server = await startServer({ roles });
  await new Promise<void>((resolve) => {
    const onSignal = (sig: string) => {
      server.runtime.log.info({ signal: sig }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  await server.stop();
  // Everything acknowledged is committed and the database is closed. Whatever still holds the
  // event loop (a clamd scan of a job that was released, a parse worker busy with it) must not
  // keep the process alive until systemd kills it: exit once the log is written.
  setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
  return 0;
}

import { startServer } from '../../server.js';
import { parse } from '../args.js';

export async function serveCommand(argv: string[]): Promise<number> {
  parse(argv, {}, 'supportal serve');
  const server = await startServer();
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

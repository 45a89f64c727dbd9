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
  return 0;
}

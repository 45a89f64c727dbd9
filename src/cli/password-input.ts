import { createInterface } from 'node:readline';
import { UsageError } from './output.js';

/** No password is longer (the use cases accept up to 1 000 characters). */
const MAX_BYTES = 4096;

/**
 * Reads a password from standard input: everything up to the first line break (or the end), as
 * `printf '%s\n' "$PW" | supportal user add … --password-stdin` or a file redirect gives it.
 * Never from the command line: arguments show in `ps`, /proc and the shell history.
 */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(b);
    size += b.length;
    if (size > MAX_BYTES) throw new UsageError({ de: `das Passwort auf der Standardeingabe ist länger als ${MAX_BYTES} Bytes`, en: `the password on standard input is longer than ${MAX_BYTES} bytes` });
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError({ de: '--password-stdin: Die Standardeingabe enthält kein Passwort', en: '--password-stdin: standard input holds no password' });
  return line;
}

/**
 * Asks for a password on the terminal without echoing it, twice; an empty answer means none
 * (the user sets one with a reset link). Only when standard input is a terminal.
 */
export async function promptPassword(label: string): Promise<string | undefined> {
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      // Echo nothing the user types (the prompt itself is written before muting).
      process.stderr.write(q);
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
      rl.question('', (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask(`${label} (empty: none, a reset link sets it): `);
  if (first === '') return undefined;
  if ((await ask('again: ')) !== first) throw new UsageError({ de: 'die beiden Passwörter sind verschieden', en: 'the two passwords differ' });
  return first;
}

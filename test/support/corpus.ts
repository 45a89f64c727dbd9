import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The real-world mail corpus (test/corpus, see its MANIFEST.md) is part of the repository, so a
 * clone tests the same mails anywhere. A missing file fails loudly rather than skipping.
 */
export const corpusRoot = join(repoRoot, 'test', 'corpus');

export function corpusDir(...parts: string[]): string {
  const path = join(corpusRoot, ...parts);
  if (!existsSync(path)) throw new Error(`mail corpus file not found: ${path}`);
  return path;
}

/** The files below `dir` whose names `accept` takes, at any depth. */
export function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, accept);
    return accept(entry.name) ? [path] : [];
  });
}

/** Every whole mail of the corpus (MANIFEST.md): the sets that hold RFC 5322 messages. */
export function corpusMailFiles(): string[] {
  const eml = (name: string): boolean => name.endsWith('.eml');
  return [
    ...filesUnder(corpusDir('cpython-email'), (n) => /^msg_\d+\.txt$/.test(n)),
    ...filesUnder(corpusDir('nodemailer-mailparser'), eml),
    ...filesUnder(corpusDir('postal-mime'), eml),
    ...filesUnder(corpusDir('postalsys-mailauth'), eml),
    ...filesUnder(corpusDir('stalwart-mail-parser'), eml),
    ...filesUnder(corpusDir('mimekit/UnitTests/TestData/messages'), () => true),
    ...filesUnder(corpusDir('mimekit/UnitTests/TestData/tnef'), eml),
    ...filesUnder(corpusDir('fiedl-extended_email_reply_parser'), eml),
  ];
}

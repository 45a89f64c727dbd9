import { loadConfig } from '../../config/config.js';
import { migrateToLatest, openDatabase } from '../../db/database.js';
import { parse } from '../args.js';
import { printJson, printLine } from '../output.js';

export async function migrateCommand(argv: string[]): Promise<number> {
  const { json } = parse(argv, {}, 'supportal migrate [--json]');
  const config = loadConfig(process.env, { createSecret: true });
  const db = openDatabase(config.databaseUrl);
  try {
    const ran = await migrateToLatest(db);
    if (json) printJson({ applied: ran.map((r) => r.name) });
    else printLine(ran.length ? `applied: ${ran.map((r) => r.name).join(', ')}` : 'schema is up to date');
    return 0;
  } finally {
    await db.close();
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './postgres.js';

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

/** A fresh database URL of the given kind, and a cleanup. */
export async function freshDatabaseUrl(d: DialectName): Promise<{ url: string; dataDir: string; cleanup(): void }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'supportal-test-'));
  const url = d === 'sqlite' ? `sqlite:${join(dataDir, 'test.sqlite')}` : await createTestDatabase();
  return { url, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

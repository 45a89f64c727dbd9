import { createRuntime, type Runtime } from '../../src/composition.js';
import type { Clock } from '../../src/app/ports.js';
import { freshDatabaseUrl, type DialectName } from './databases.js';

export interface TestRuntime extends Runtime {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** A migrated runtime on a fresh database of the given kind; logs are silent. */
export async function testRuntime(d: DialectName, extraEnv: Record<string, string> = {}, clock?: Clock): Promise<TestRuntime> {
  const db = await freshDatabaseUrl(d);
  const env = {
    SUPPORTAL_DATA_DIR: db.dataDir,
    SUPPORTAL_DATABASE_URL: db.url,
    SUPPORTAL_SECRET: 'test-secret-test-secret-test-secret-0123',
    SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
    SUPPORTAL_PUBLIC_URL: 'https://portal.example.com',
    SUPPORTAL_LOG_LEVEL: 'silent',
    SUPPORTAL_SENDER_AUTH: 'off',
    ...extraEnv,
  };
  const rt = await createRuntime({ env, clock, createSecret: false });
  return {
    ...rt,
    env,
    async dispose() {
      await rt.close();
      db.cleanup();
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date('2026-11-26T10:00:00Z')): Clock & { advance(ms: number): void; set(d: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(d: Date) {
      now = d.getTime();
    },
  };
}

// ESLint for the web UI (React hooks rules, browser globals) and for the server, tests, scripts
// and benchmarks (Node globals). `npm run lint` runs it after the type checks; a warning fails it too.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  // test/corpus holds other projects' mail test data, copied as it is.
  { ignores: ['web/dist/', 'dist/', 'data/', 'test-results/', 'test/corpus/', '.tmp/'] },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // `_name` says "deliberately unused" (a destructured field left out, a callback's first argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Migrations take Kysely<any> on purpose, as Kysely's guide advises: a migration must keep
    // working when the schema types of later versions change.
    files: ['src/db/migrations/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bin/**/*.js', 'web/vite.config.ts', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
]);

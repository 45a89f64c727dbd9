#!/usr/bin/env node
// The supportal command runs the JavaScript that `npm run build` compiles from src/ into dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('supportal: the compiled program (dist/) is missing; run npm run build\n');
  process.exit(1);
}
await import(entry.href);

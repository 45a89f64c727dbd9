#!/usr/bin/env node
// The supportal command from the TypeScript sources (tsx), as the tests run it: no build needed.
// test/integration/compiled-cli.test.ts runs the compiled bin/supportal.js.
import { register } from 'tsx/esm/api';

register();
await import('../../src/cli/entry.ts');

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, findCommand, usageText } from './command-table.js';

test('every command has a unique name and loads a function', async () => {
  const names = COMMANDS.map((c) => c.name);
  assert.deepEqual([...new Set(names)], names, 'no name twice');
  for (const c of COMMANDS) {
    assert.match(c.name, /^[a-z][a-z-]*$/);
    assert.ok(c.summary.length > 0, `${c.name} has a summary`);
    assert.equal(typeof (await c.load()), 'function', `${c.name} loads its entry point`);
  }
});

test('the usage text has one line per command, from the table', () => {
  const lines = usageText().split('\n');
  for (const c of COMMANDS) {
    const line = lines.find((l) => l.trimStart().startsWith(`${c.name} `));
    assert.ok(line, `${c.name} is listed`);
    assert.ok(line.includes(c.summary) && (c.usage === '' || line.includes(c.usage)), line);
  }
  assert.equal(lines.filter((l) => l.startsWith('  ')).length, COMMANDS.length);
  assert.equal(findCommand('nonsense'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder, repoRoot } from '../support/corpus.js';

/** Catalog ids ("T1", "M8", …) and promise sections ("§6") that docs/reliability.md defines. */
export function definedIds(doc: string): Set<string> {
  const ids = new Set<string>();
  for (const m of doc.matchAll(/^- ([A-Z]\d{1,2})\. /gm)) ids.add(m[1]!);
  for (const m of doc.matchAll(/^(\d{1,2})\. \*\*/gm)) ids.add(`§${m[1]}`);
  return ids;
}

/** Every "RELIABILITY <id>" / "docs/reliability.md <id>" citation in a text, with its line. */
export function citedIds(text: string): string[] {
  return [...text.matchAll(/(?:RELIABILITY|docs\/reliability\.md)[ ,]+((?:[A-Z]\d{1,2}|§\d{1,2})(?:(?:, ?| and | ?\/ ?)(?:[A-Z]\d{1,2}|§\d{1,2}))*)/g)].flatMap((m) => m[1]!.split(/, ?| and | ?\/ ?/));
}

test('every reliability id cited in the code and tests is defined in docs/reliability.md', () => {
  const defined = definedIds(readFileSync(join(repoRoot, 'docs', 'reliability.md'), 'utf8'));
  assert.ok(defined.has('T1') && defined.has('C6') && defined.has('§9'), 'the catalog is read');
  const sources = [...filesUnder(join(repoRoot, 'src'), (n) => n.endsWith('.ts')), ...filesUnder(join(repoRoot, 'test'), (n) => n.endsWith('.ts')).filter((f) => !f.includes('/corpus/'))];
  const unknown: string[] = [];
  let cited = 0;
  for (const file of sources) {
    for (const id of citedIds(readFileSync(file, 'utf8'))) {
      cited++;
      if (!defined.has(id)) unknown.push(`${file.slice(repoRoot.length + 1)}: ${id}`);
    }
  }
  assert.ok(cited > 50, `only ${cited} citations found: the pattern no longer matches the code`);
  assert.deepEqual(unknown, []);
});

test('an id that the catalog lacks is reported', () => {
  const defined = definedIds('- T1. DB down\n- M8. NUL\n1. **Zero lost.**\n');
  assert.deepEqual([...defined].sort(), ['M8', 'T1', '§1']);
  const cite = 'RELIABILITY'; // spelt apart so that this file does not cite an unknown id itself
  assert.deepEqual(citedIds(`see ${cite} M8 and ${cite} Z9, docs/reliability.md §1`), ['M8', 'Z9', '§1']);
});

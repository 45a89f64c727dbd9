import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
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

/** Test titles (`test(`, `it(`, `describe(` with a literal or template title) in a source text. */
export function testTitles(text: string): string[] {
  return [...text.matchAll(/\b(?:test|it|describe)\(\s*(['"`])((?:(?!\1)[^\n])*)\1/g)].map((m) => m[2]!);
}

/** Whether a title names a catalog id as a word of its own ("T1:" and "(A4, A5)" do; "T10" does not name T1). */
export function namesId(title: string, id: string): boolean {
  return new RegExp(`(?<![\\w§])${id}(?!\\w)`).test(title);
}

/** The rows of the proof map: id → the paths its "Proved by" cell lists. */
export function proofRows(doc: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const m of doc.matchAll(/^\| (§\d{1,2}|[A-Z]\d{1,2}) \| ([^|]*) \|/gm)) rows.set(m[1]!, [...m[2]!.matchAll(/`([\w./-]+\.(?:ts|mjs))`/g)].map((p) => p[1]!));
  return rows;
}

/** The text of one catalog entry: its line and what follows up to the next entry or heading. */
function entryText(doc: string, id: string): string {
  const start = doc.search(new RegExp(`^- ${id}\\. `, 'm'));
  const rest = doc.slice(start + 1);
  const end = rest.search(/^(?:- [A-Z]\d{1,2}\. |#)/m);
  return doc.slice(start, end < 0 ? undefined : start + 1 + end);
}

test('every catalog id has a named test that exists, and the proof map lists real files that name it', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'reliability.md'), 'utf8');
  const defined = [...definedIds(doc)];
  const rows = proofRows(doc);
  assert.ok(rows.size >= 70 && rows.has('T5') && rows.has('§1'), `the proof map is read (${rows.size} rows)`);
  const testFiles = [...filesUnder(join(repoRoot, 'src'), (n) => n.endsWith('.test.ts')), ...filesUnder(join(repoRoot, 'test'), (n) => n.endsWith('.test.ts')).filter((f) => !f.includes('/corpus/'))];
  const titles = new Map(testFiles.map((f) => [f.slice(repoRoot.length + 1), testTitles(readFileSync(f, 'utf8'))]));
  const problems: string[] = [];
  for (const id of defined.filter((i) => !i.startsWith('§'))) {
    const files = rows.get(id);
    if (!files) {
      // An entry appended after the map (finding → test → status) names its test files itself,
      // and they must exist.
      const named = [...entryText(doc, id).matchAll(/[\w/.-]+\.test\.ts/g)].map((m) => m[0]);
      if (named.length === 0) problems.push(`${id}: neither a row in the proof map nor a test file in its entry`);
      for (const f of named) if (!existsSync(join(repoRoot, f))) problems.push(`${id}: ${f}, named in its entry, does not exist`);
      continue;
    }
    if (![...titles.values()].some((ts) => ts.some((t) => namesId(t, id)))) problems.push(`${id}: no test names it`);
    if (files.length === 0) problems.push(`${id}: its row lists no file`);
    for (const f of files) {
      if (!existsSync(join(repoRoot, f))) problems.push(`${id}: ${f} does not exist`);
      else if (f.endsWith('.test.ts') && !titles.get(f)?.some((t) => namesId(t, id))) problems.push(`${id}: no test in ${f} names it`);
    }
  }
  for (const [id, files] of rows) {
    if (!defined.includes(id)) problems.push(`${id}: in the proof map, not in the catalog`);
    for (const f of files) if (!existsSync(join(repoRoot, f))) problems.push(`${id}: ${f} does not exist`);
  }
  for (const id of defined.filter((i) => i.startsWith('§'))) if (!rows.has(id)) problems.push(`${id}: the promise has no row in the proof map`);
  assert.deepEqual(problems, []);
});

test('the proof-map checks catch a missing row, a missing file and a test that does not name its id', () => {
  assert.deepEqual(testTitles("test('T1: db down', () => {});\ndescribe(`T4 on ${d}`, () => {});\nit(\n  'M8 NUL', () => {})"), ['T1: db down', 'T4 on ${d}', 'M8 NUL']);
  assert.ok(namesId('T1/T10: down', 'T1') && namesId('files (RELIABILITY A4, A5)', 'A5'));
  assert.ok(!namesId('T10: IMAP', 'T1') && !namesId('T12 queue full', 'T1'));
  const rows = proofRows('| T1 | `test/a.test.ts`, `src/b.test.ts` | proved |\n| §1 | T1 below | proved |\n| Id | Proved by | Status |\n');
  assert.deepEqual([...rows], [['T1', ['test/a.test.ts', 'src/b.test.ts']], ['§1', []]]);
  const doc = '- T1. first\n- X9. appended, proved by `test/integration/x.test.ts`\n  more\n- X10. nothing\n## Next\n';
  assert.match(entryText(doc, 'X9'), /x\.test\.ts/);
  assert.doesNotMatch(entryText(doc, 'X10'), /\.test\.ts/);
});

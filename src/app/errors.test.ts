import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { AppError, ERRORS } from './errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('every registry entry has a German and an English message, and the two differ', () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(e.message.de.trim(), `${code}: no German message`);
    assert.ok(e.message.en.trim(), `${code}: no English message`);
    // A German slot holding the English words (or the reverse) is a copy, not a translation.
    assert.notEqual(e.message.de, e.message.en, `${code}: the German message is the English one`);
  }
});

test('an AppError keeps its code and details; its text is the given one or the code\'s, and message is the English side', () => {
  const plain = new AppError('case_closed');
  assert.deepEqual([plain.code, plain.text, plain.message, plain.details], ['case_closed', ERRORS.case_closed.message, ERRORS.case_closed.message.en, undefined]);
  const specific = new AppError('invalid_input', { de: 'subject: darf nicht leer sein', en: 'subject: too short' }, { field: 'subject' });
  assert.deepEqual([specific.code, specific.text.de, specific.message, specific.details, specific.status], ['invalid_input', 'subject: darf nicht leer sein', 'subject: too short', { field: 'subject' }, 400]);
});

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts') && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The `{ de, en }` object literals inside `node` (a conditional gives one per branch). */
function textLiterals(node: ts.Node): ts.ObjectLiteralExpression[] {
  const found: ts.ObjectLiteralExpression[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => p.name?.getText() === 'de' || p.name?.getText() === 'en')) found.push(n);
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** The source of a literal's `de` or `en` value (a shorthand `en` counts as the name's text). */
function side(o: ts.ObjectLiteralExpression, lang: 'de' | 'en'): string | null {
  const p = o.properties.find((x) => x.name?.getText() === lang);
  if (!p) return null;
  return ts.isPropertyAssignment(p) ? p.initializer.getText() : p.getText();
}

/**
 * The problems of one source file: each `new AppError(code, text)`, `new CliFailure(text)`,
 * `new UsageError(text)` and `new ConfigError(text)` must give its text as `{ de, en }` (directly, per branch of a
 * conditional, or through withUsage / noDatabaseLine, whose own literals are checked where they
 * are written), and every two-key `{ de, en }` literal must have two different sides. The type
 * demands both keys; this catches a copy and a text that is no literal at all.
 */
function textProblems(name: string, text: string): { problems: string[]; errors: number; literals: number } {
  const problems: string[] = [];
  let errors = 0;
  let literals = 0;
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const where = (n: ts.Node) => `${name}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node) => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && ['AppError', 'CliFailure', 'UsageError', 'ConfigError'].includes(n.expression.text)) {
      errors++;
      const isApp = n.expression.text === 'AppError';
      const arg = n.arguments?.[isApp ? 1 : 0];
      const none = !arg || (ts.isIdentifier(arg) && arg.text === 'undefined');
      const viaHelper = arg && ts.isCallExpression(arg) && ts.isIdentifier(arg.expression) && ['withUsage', 'noDatabaseLine'].includes(arg.expression.text);
      if (none && !isApp) problems.push(`${where(n)}: ${n.expression.text} without a text`);
      else if (!none && !viaHelper && textLiterals(arg).length === 0) problems.push(`${where(n)}: the text is no { de, en } literal`);
    }
    if (ts.isObjectLiteralExpression(n) && n.properties.length === 2 && side(n, 'de') !== null && side(n, 'en') !== null) {
      literals++;
      if (side(n, 'de') === side(n, 'en')) problems.push(`${where(n)}: German and English are the same: ${side(n, 'en')}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { problems, errors, literals };
}

test('every AppError, CliFailure, UsageError and ConfigError text in the sources has both languages, and they differ', () => {
  const problems: string[] = [];
  let errors = 0;
  let literals = 0;
  for (const file of sourceFiles(join(root, 'src'))) {
    const name = relative(root, file);
    const text = readFileSync(file, 'utf8');
    // Files that word errors: those that construct one, and the CLI's (its helpers build the texts).
    if (!/new (AppError|CliFailure|UsageError|ConfigError)\(/.test(text) && !name.startsWith('src/cli/')) continue;
    const r = textProblems(name, text);
    problems.push(...r.problems);
    errors += r.errors;
    literals += r.literals;
  }
  assert.deepEqual(problems, []);
  // About 130 AppError sites and 30 of the CLI when this was written: a scan that finds few read nothing.
  assert.ok(errors > 100, `only ${errors} error constructions found`);
  assert.ok(literals > 100, `only ${literals} { de, en } texts found`);
});

test('the scan notices a copied text, an English-only one and a missing one', () => {
  const r = textProblems('x.ts', [
    "throw new AppError('not_found', { de: `no ${id}`, en: `no ${id}` });",
    "throw new CliFailure(`gone`);",
    "throw new AppError('not_found', `there is no case ${n}`);",
    "throw new UsageError();",
    "throw new AppError('not_found', undefined, { id });",
  ].join('\n'));
  assert.deepEqual(r.problems, [
    'x.ts:1: German and English are the same: `no ${id}`',
    'x.ts:2: the text is no { de, en } literal',
    'x.ts:3: the text is no { de, en } literal',
    'x.ts:4: UsageError without a text',
  ]);
});

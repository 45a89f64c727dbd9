import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

/**
 * Every failure and usage line in the operator's language (SUPPORTAL_LANG, else the locale):
 * the CLI's own usage errors and failures, and the use cases' AppError messages.
 */
describe('the CLI speaks German with SUPPORTAL_LANG=de and English otherwise', () => {
  let dir: string;
  const run = (args: string[], lang: string, locale = 'C.UTF-8') => cli(args, { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_LANG: lang, LC_ALL: '', LC_MESSAGES: '', LANG: locale });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'supportal-lang-'));
    const migrate = run(['migrate'], '');
    assert.equal(migrate.status, 0, migrate.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a use case\'s failure (AppError): exit 1, one line', () => {
    const de = run(['case', 'show', '424242'], 'de');
    assert.deepEqual([de.status, de.stderr], [1, 'supportal: es gibt keinen Fall 424242\n']);
    const en = run(['case', 'show', '424242'], '');
    assert.deepEqual([en.status, en.stderr], [1, 'supportal: there is no case 424242\n']);
    // LANG alone is enough, as for every other program on the machine.
    assert.equal(run(['case', 'show', '424242'], '', 'de_DE.UTF-8').stderr, 'supportal: es gibt keinen Fall 424242\n');
    assert.equal(run(['mail', 'show', 'abcdef'], 'de').stderr, 'supportal: keine ID (eingegangene E-Mail) beginnt mit abcdef\n');
  });

  test('usage errors: the sentence translated, the synopsis as it is (exit 2)', () => {
    const de = run(['case', 'show', 'zwölf'], 'de');
    assert.equal(de.status, 2);
    assert.equal(de.stderr, 'supportal: die Fallnummer muss eine positive ganze Zahl sein, nicht „zwölf“\nAufruf: supportal case show N [--json]\n');
    const en = run(['case', 'show', 'zwölf'], 'en');
    assert.equal(en.stderr, 'supportal: case number must be a positive whole number, got "zwölf"\nusage: supportal case show N [--json]\n');
    assert.match(run(['case', 'list', '--nope'], 'de').stderr, /^supportal: unbekannte Option --nope\nAufruf: supportal case list /);
    assert.match(run(['case', 'list', '--nope'], 'en').stderr, /^supportal: Unknown option '--nope'/);
    assert.match(run(['frobnicate'], 'de').stderr, /^supportal: unbekannter Befehl „frobnicate“\n/);
    const synopses = run(['user'], 'de');
    assert.equal(synopses.status, 2);
    assert.match(synopses.stderr, /^supportal: Aufruf: supportal user add .*\n {8}supportal user list /);
  });

  test('the CLI\'s own failures (CliFailure): exit 1, one line', () => {
    const de = run(['backup', dir], 'de');
    assert.deepEqual([de.status, de.stderr], [1, `supportal: ${dir} gibt es und ist nicht leer; eine Sicherung überschreibt nie etwas\n`]);
    assert.equal(run(['backup', dir], 'en').stderr, `supportal: ${dir} exists and is not empty; a backup never overwrites\n`);
  });

  test('a setting that cannot be used (ConfigError): exit 1, one line', () => {
    const bad = (lang: string) => cli(['case', 'list'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_HTTP_PORT: 'achtzig', SUPPORTAL_LANG: lang, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' });
    const de = bad('de');
    assert.equal(de.status, 1);
    assert.match(de.stderr, /^supportal: ungültige Einstellung SUPPORTAL_HTTP_PORT="achtzig": [^\n]*; erwartet: Port des Webservers \(Standard 3000\)\n$/);
    assert.match(bad('en').stderr, /^supportal: invalid setting SUPPORTAL_HTTP_PORT="achtzig": [^\n]*; expected web server port \(default 3000\)\n$/);
  });
});

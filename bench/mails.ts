/**
 * The benchmark's mails, shaped like real customer replies: about 2.5 KB of text, most of it the
 * quoted history of the agent's previous answer (as mail clients quote it), from one of many
 * customers about their own case; and the same reply carrying a 1 MiB screenshot.
 */
import { randomBytes } from 'node:crypto';
import { rgbPng } from '../test/support/png.js';

export const SUPPORT = 'support@support.example.com';
export const CUSTOMER_DOMAIN = 'kunde.example';

export function customerAddress(k: number): string {
  return `bench-${k}@${CUSTOMER_DOMAIN}`;
}

const REPLY = [
  'Hallo Frau Berger,',
  '',
  'vielen Dank für die schnelle Antwort. Ich habe den Dienst wie beschrieben neu gestartet und',
  'die Protokolldatei danach noch einmal angesehen. Der Fehler tritt weiterhin auf, allerdings',
  'nur beim nächtlichen Export; tagsüber läuft alles ohne Probleme. Die Meldung lautet:',
  '',
  '    ERROR 2026-11-26 02:14:07 export: connection reset by peer (after 1843 records)',
  '',
  'Wir haben keine Änderungen an der Firewall vorgenommen. Können Sie mir sagen, ob es eine',
  'Einstellung für Zeitüberschreitungen beim Export gibt? Gern schicke ich die vollständige',
  'Protokolldatei, falls das hilft.',
  '',
  'Mit freundlichen Grüßen',
  'Jana Krüger',
  'IT-Betrieb, Muster GmbH',
  'Tel. +49 30 1234567',
];

const HISTORY = [
  'Guten Tag Frau Krüger,',
  '',
  'danke für Ihre Nachricht. Bitte starten Sie den Dienst "Exportplaner" einmal neu und prüfen',
  'Sie danach, ob der Fehler weiterhin in der Protokolldatei erscheint. Die Datei finden Sie',
  'unter C:\\ProgramData\\Beispiel\\logs\\export.log. Sollte der Fehler bleiben, senden Sie uns',
  'bitte die letzten 200 Zeilen der Datei und die Versionsnummer aus dem Menü "Hilfe > Info".',
  '',
  'Falls der Export über einen Proxy läuft, nennen Sie uns bitte auch dessen Adresse und ob',
  'er Verbindungen nach einer bestimmten Zeit trennt. Manche Proxys beenden Verbindungen, die',
  'länger als 60 Sekunden keine Daten übertragen.',
  '',
  'Mit freundlichen Grüßen',
  'Anna Berger',
  'Support',
  '',
  'Am 24.11.2026 um 09:41 schrieb Jana Krüger:',
  '> Guten Morgen,',
  '>',
  '> seit dem Update auf Version 8.2 bricht der nächtliche Export unserer Daten ab. Im',
  '> Protokoll steht "connection reset by peer". Was können wir tun?',
  '>',
  '> Jana Krüger',
];

/** One reply of about 2.5 KB, from customer k about case `caseNo`; `tag` makes its Message-ID unique. */
export function smallReply(k: number, caseNo: number, tag: string): Buffer {
  const text = [...REPLY, '', `Am 25.11.2026 um 16:02 schrieb Support <${SUPPORT}>:`, ...HISTORY.map((l) => (l ? `> ${l}` : '>'))].join('\r\n');
  return Buffer.from(
    [
      `From: Jana Krüger <${customerAddress(k)}>`,
      `To: Support <${SUPPORT}>`,
      `Subject: Re: [Case #${caseNo}] Export bricht nachts ab`,
      `Message-ID: <${tag}@${CUSTOMER_DOMAIN}>`,
      `In-Reply-To: <case-${caseNo}-reply@support.example.com>`,
      `References: <case-${caseNo}@support.example.com> <case-${caseNo}-reply@support.example.com>`,
      'Date: Thu, 26 Nov 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0',
      'Content-Language: de-DE',
      'Content-Type: text/plain; charset=UTF-8; format=flowed',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

let screenshot: string | undefined;

/** A valid PNG of noise, stored uncompressed (~3 bytes a pixel), as a screenshot nearly is. */
export function noisePng(width: number, height: number): Buffer {
  return rgbPng(width, height, () => randomBytes(width * 3), 0);
}

/** The small reply with a 1 MiB PNG attached (base64, 76-character lines). */
export function imageReply(k: number, caseNo: number, tag: string): Buffer {
  screenshot ??= noisePng(600, 582).toString('base64').replace(/(.{76})/g, '$1\r\n');
  const reply = smallReply(k, caseNo, tag).toString('utf8');
  const split = reply.indexOf('\r\n\r\n');
  const headers = reply.slice(0, split).replace(/Content-Type: text\/plain[^\r]*\r\nContent-Transfer-Encoding: 8bit/, 'Content-Type: multipart/mixed; boundary="b1"');
  const body = reply.slice(split + 4);
  return Buffer.from(
    `${headers}\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n--b1\r\nContent-Type: image/png; name="screenshot.png"\r\nContent-Disposition: attachment; filename="screenshot.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n${screenshot}\r\n--b1--\r\n`,
    'utf8',
  );
}

/** A 25 MB mail: a short text and an 18 MiB screenshot, base64 (≈ 24.4 MiB on the wire; the limit is 25 MiB). */
export function bigMail(caseNo: number, tag: string): Buffer {
  const b64 = noisePng(2500, 2500).toString('base64').replace(/(.{76})/g, '$1\r\n');
  return Buffer.from(
    `From: ${customerAddress(0)}\r\nTo: ${SUPPORT}\r\nSubject: Re: [Case #${caseNo}] big\r\nMessage-ID: <big-${tag}@${CUSTOMER_DOMAIN}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nScreenshot attached.\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=screen.png\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b--\r\n`,
  );
}

/**
 * The words mail clients use to introduce quoted history and signatures, in the languages our
 * customers write in (German, English, French, Spanish, Italian, Dutch, Russian, plus the Nordic,
 * Polish, Portuguese and other forms seen in the reply corpora). One list for plain-text and HTML
 * replies: the HTML splitter turns the document into lines and classifies them with the same
 * rules as the text splitter (reply-text.ts), so a header word added here works for both.
 *
 * Every pattern is anchored or bounded and none nests quantifiers (RELIABILITY M12).
 */

/** "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:". */
export const FORWARD_MARKERS: readonly RegExp[] = [
  /^[ \t>*]*-{2,}[ \t]*(?:original message|original-nachricht|originalnachricht|ursprüngliche nachricht|forwarded message|weitergeleitete nachricht|message transféré|message d'origine|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht|originalmeddelande|vidarebefordrat meddelande|alkuperäinen viesti|oprindelig besked|opprinnelig melding|ursprungligt meddelande|пересылаемое сообщение|исходное сообщение|пересланное сообщение)[ \t]*-{2,}/i,
  /^[ \t>*]*(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|inicio del mensaje reenviado|inizio messaggio inoltrato|begin doorgestuurd bericht)[ \t]*:[ \t]*$/i,
];

/** Verbs that end "On <date>, <name> wrote:" ("Am … schrieb …:", "… пишет:"). */
export const WROTE =
  '(?:wrote|schrieb|a écrit|ha scritto|napisał\\(a\\)|napisała|napisał|escreveu|escribió|het volgende geschreven|schreef|skrev|kirjoitti|написал\\(а\\)|написала|написал|пишет|писал\\(а\\)|писала|писал|пише|pisze|写道|寫道|írta|napsal|yazdı)';

/** Words that open such a header line ("On", "Am", "Le", "El", "Il", "Op", …). */
export const OPENER = /^(?:On|Am|Le|Il|El|Em|Op|Dnia|Den|At|Pada|Dne)[ \t]/;

/** The first field of an Outlook-style header block ("From:", "Von:", "De :", "От кого:"). */
export const FROM_LABELS = '(?:From|Von|De|Da|Från|Fra|Van|Od|От кого|От|Kimden|发件人|寄件者)';

/** The other fields of such a block. */
export const OTHER_LABELS =
  '(?:Sent|Gesendet|Envoyé le|Message du|Date|Datum|Envoyé|Enviada em|Enviado el|Enviado|Inviato il|Inviato|Data|Skickat|Sendt|Verzonden|Fecha|To|An|À|A|Para|Pour|Till|Til|Aan|Cc|Bcc|Kopie|Copie à|CC|Subject|Betreff|Objet|Sujet|Asunto|Assunto|Oggetto|Ämne|Emne|Onderwerp|Reply-To|Antwort an|Répondre à|Risposta|Organization|Priority|Wichtigkeit|Importance|Отправлено|Дата|Кому|Копия|Тема|Dato|发送时间|收件人|抄送|主题|寄件日期|收件者|主旨)';

/** Whole-line boilerplate that mail apps append; anchored at both ends so prose never matches. */
export const MOBILE: readonly RegExp[] = [
  // At most 8 words after "Sent from": "Sent from my cell, please excuse any typos." is
  // boilerplate, "Sent from my desk, is much easier then my mobile phone." is a sentence.
  /^[ \t(<]*sent (?:from|via|with|by|using)(?:[ \t]+\S+){1,8}[ \t]*$/i,
  /^[ \t]*\S+ from mobile[ \t]*$/i,
  /^[ \t]*from my .{1,20}$/i,
  /^[ \t]*get (?:\[)?outlook for .{1,80}$/i,
  /^[ \t]*(?:von meinem|vom meinem) .{1,60} gesendet\.?[ \t]*$/i,
  /^[ \t]*gesendet (?:von|vom|mit|aus) .{1,80}$/i,
  /^[ \t]*von outlook für .{1,40} gesendet[ \t]*$/i,
  /^[ \t]*diese nachricht wurde von .{1,80} gesendet\.?[ \t]*$/i,
  /^[ \t]*envoyé (?:depuis|de) (?:mon|ma) .{1,60}$/i,
  /^[ \t]*envoyé à partir de .{1,80}$/i,
  /^[ \t]*enviado (?:desde|do|de) (?:mi|meu) .{1,60}$/i,
  /^[ \t]*inviato da .{1,60}$/i,
  /^[ \t]*(?:sendt|skickat) fr[aå]n? min .{1,60}$/i,
  /^[ \t]*verzonden (?:met|vanaf|van) .{1,60}$/i,
  /^[ \t]*(?:отправлено|послано) (?:с|из) .{1,60}$/i,
  /^[ \t]*從我的 .{1,40} 傳送[ \t]*$/,
];

/**
 * Turns an RTF message body into HTML or text with rtf-stream-parser: Outlook wraps HTML or
 * plain text in RTF (MS-OXRTFEX "\fromhtml1" / "\fromtext"), which de-encapsulates exactly;
 * a genuine RTF document (Word-style rich text) is reduced to its plain text.
 */
import { Tokenize, deEncapsulateSync } from 'rtf-stream-parser';
import { ToPlainText } from 'rtf-stream-parser/dist/src/ToPlainText.js';
import { decodeText } from './codepage.js';

export interface RtfBody {
  html: string | null;
  text: string | null;
}

const options = {
  decode: (bytes: Buffer, encoding: string): string => decodeText(bytes, encoding),
  // The library warns through console.warn by default; a body is best effort, so stay quiet.
  warn: (): void => undefined,
  allowCp0: true,
};

/**
 * The tokenizer writes "Bad hex digit" through console.warn itself, for every malformed \'xx
 * escape, whatever `warn` says (found by fuzzing): one hostile body could print millions of
 * lines to stderr past the logger. Its calls here are synchronous, so silencing console.warn for
 * their duration silences nothing else.
 */
function quietly<T>(run: () => T): T {
  const warn = console.warn;
  console.warn = (): void => undefined;
  try {
    return run();
  } finally {
    console.warn = warn;
  }
}

export function rtfToBody(rtf: Buffer): RtfBody {
  return quietly(() => rtfToBodyLoud(rtf));
}

function rtfToBodyLoud(rtf: Buffer): RtfBody {
  const head = rtf.subarray(0, 4096).toString('latin1');
  if (/\\fromhtml1|\\fromtext/.test(head)) {
    try {
      const result = deEncapsulateSync(rtf, { ...options, mode: 'either' });
      const body = typeof result.text === 'string' ? result.text : result.text.toString('utf8');
      return result.mode === 'html' ? { html: body, text: null } : { html: null, text: body };
    } catch {
      // fall through to plain text: a damaged wrapper still has readable words
    }
  }
  return { html: null, text: rtfToPlainText(rtf) };
}

/** Runs the token stream synchronously, the way the library's own deEncapsulateSync does. */
function rtfToPlainText(rtf: Buffer): string {
  const tokenizer = new Tokenize();
  const toText = new ToPlainText(options);
  const chunks: string[] = [];
  const fail = (err?: Error | null): void => {
    if (err) throw err;
  };
  tokenizer.push = (token: unknown): boolean => {
    toText._transform(token as never, 'utf8', fail);
    return true;
  };
  toText.push = (piece: unknown): boolean => {
    chunks.push(String(piece));
    return true;
  };
  tokenizer._transform(rtf, 'buffer', fail);
  tokenizer._flush(fail);
  toText._flush(fail);
  return chunks.join('');
}

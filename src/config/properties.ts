/**
 * Java .properties parsing, following java.util.Properties.load so Kafka's server.properties
 * files read the same way:
 * - lines end at \n, \r or \r\n; leading spaces, tabs and form feeds are skipped;
 * - a line whose first character is `#` or `!` is a comment (never continued);
 * - an odd number of backslashes at the end of a line joins the next line, minus its leading
 *   whitespace;
 * - the key ends at the first unescaped `=`, `:` or whitespace; whitespace and at most one `=`
 *   or `:` separate it from the value; trailing whitespace of the value is kept;
 * - escapes: \t \n \r \f \uXXXX, and `\x` stands for `x` (so `\=`, `\:`, `\ `, `\\`).
 * Unlike Java's InputStream overload (ISO-8859-1), text is taken as already-decoded UTF-8.
 * Later duplicates win.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

const WHITESPACE = new Set([' ', '\t', '\f']);

export function parseProperties(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const result: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    let line = skipLeadingWhitespace(lines[i]!);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    const firstLine = i + 1;
    while (endsWithContinuation(line)) {
      line = line.slice(0, -1);
      if (++i >= lines.length) break;
      line += skipLeadingWhitespace(lines[i]!);
    }
    const { key, value } = splitKeyValue(line, firstLine);
    // defineProperty, not assignment: a key named __proto__ must stay an ordinary entry.
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** Reads and parses a .properties file; a missing or unreadable file is a ConfigError. */
export function readPropertiesFile(path: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Record<string, string> {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`Unable to read config file ${path}: ${(err as Error).message}`);
  }
  try {
    return parseProperties(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${path}: ${err.message}`);
    throw err;
  }
}

function skipLeadingWhitespace(s: string): string {
  let start = 0;
  while (start < s.length && WHITESPACE.has(s[start]!)) start++;
  return s.slice(start);
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function splitKeyValue(line: string, lineNumber: number): { key: string; value: string } {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < line.length; keyEnd++) {
    const c = line[keyEnd]!;
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && WHITESPACE.has(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
  }
  for (; valueStart < line.length; valueStart++) {
    const c = line[valueStart]!;
    if (WHITESPACE.has(c)) continue;
    if (!hasSeparator && (c === '=' || c === ':')) {
      hasSeparator = true;
      continue;
    }
    break;
  }
  return {
    key: unescape(line.slice(0, keyEnd), lineNumber),
    value: unescape(line.slice(valueStart), lineNumber),
  };
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string, lineNumber: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break; // a lone trailing backslash (continuation at end of file)
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError(`Malformed \\uxxxx encoding on line ${lineNumber}`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}

/**
 * Splitting of inline commands (`SET k "a b"\r\n`), the telnet-friendly form of the protocol.
 * Follows the rules of Redis's `sdssplitargs`, which redis-cli also uses, so a line means the same
 * thing to Larder as to Redis:
 * - arguments are separated by blanks; a NUL byte ends the line (C-string semantics);
 * - `"…"` understands `\xHH`, `\n \r \t \b \a` and `\<any>` → that character;
 * - `'…'` understands only `\'`;
 * - a quote may open in the middle of a word (`a"b c"` is `ab c`), but a closing quote must be
 *   followed by a blank or the end of the line;
 * - an unterminated quote or a quote glued to the next word makes the whole line invalid.
 */

const NUL = 0;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;

/** C's isspace(): space, \t, \n, \v, \f, \r. */
function isBlank(code: number): boolean {
  return code === SPACE || (code >= TAB && code <= CR);
}

/** A word ends at these (the same set Redis uses, which is narrower than isspace). */
function endsBareWord(code: number): boolean {
  return code === SPACE || code === LF || code === CR || code === TAB || code === NUL;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** Position just after a quoted section is valid only at a blank or the end of the line. */
function closesCleanly(line: string, after: number): boolean {
  return after >= line.length || line.charCodeAt(after) === NUL || isBlank(line.charCodeAt(after));
}

/** Reads one `"…"` section starting after the quote; returns [text, index after the closing quote] or null. */
function readDoubleQuoted(line: string, start: number): [string, number] | null {
  let text = '';
  for (let i = start; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === NUL) return null;
    if (code === BACKSLASH && i + 1 < line.length && line.charCodeAt(i + 1) !== NUL) {
      const high = hexValue(line.charCodeAt(i + 2));
      const low = hexValue(line.charCodeAt(i + 3));
      if (line[i + 1] === 'x' && high >= 0 && low >= 0) {
        text += String.fromCharCode(high * 16 + low);
        i += 3;
      } else {
        const escaped = line[i + 1]!;
        text += ESCAPES[escaped] ?? escaped;
        i += 1;
      }
    } else if (code === DOUBLE_QUOTE) {
      return closesCleanly(line, i + 1) ? [text, i + 1] : null;
    } else {
      text += line[i];
    }
  }
  return null;
}

function readSingleQuoted(line: string, start: number): [string, number] | null {
  let text = '';
  for (let i = start; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === NUL) return null;
    if (code === BACKSLASH && line.charCodeAt(i + 1) === SINGLE_QUOTE) {
      text += "'";
      i += 1;
    } else if (code === SINGLE_QUOTE) {
      return closesCleanly(line, i + 1) ? [text, i + 1] : null;
    } else {
      text += line[i];
    }
  }
  return null;
}

/** Reads one argument starting at a non-blank; returns [argument, next index] or null on bad quoting. */
function readWord(line: string, start: number): [string, number] | null {
  let word = '';
  let i = start;
  while (i < line.length && !endsBareWord(line.charCodeAt(i))) {
    const code = line.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      const quoted = code === DOUBLE_QUOTE ? readDoubleQuoted(line, i + 1) : readSingleQuoted(line, i + 1);
      if (quoted === null) return null;
      // A closed quote always ends the word (closesCleanly guaranteed a blank or the end follows).
      return [word + quoted[0], quoted[1]];
    }
    word += line[i];
    i++;
  }
  return [word, i];
}

/**
 * Splits an inline command line (without its line ending) into arguments.
 * Returns null for unbalanced quotes; an empty array for a blank line.
 */
export function splitInlineArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
    if (i >= line.length || line.charCodeAt(i) === NUL) return args;
    const word = readWord(line, i);
    if (word === null) return null;
    args.push(word[0]);
    i = word[1];
  }
}

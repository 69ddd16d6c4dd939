import { describe, expect, it } from 'vitest';
import { MAX_INLINE_BYTES, ProtocolError, RespParser, parseLength } from '../../src/resp/parser.js';

const LIMITS = { maxBulkBytes: 512_000_000 };

/** Feeds the chunks and drains every command (or the error) the parser produces. */
function parseAll(chunks: Array<string | Buffer>, parser = new RespParser(LIMITS)): Array<string[] | string> {
  const out: Array<string[] | string> = [];
  for (const chunk of chunks) {
    parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    for (let next = parser.next(); next !== undefined; next = parser.next()) {
      if (next instanceof ProtocolError) {
        out.push(next.message);
        return out;
      }
      out.push(next);
    }
  }
  return out;
}

function multibulk(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

describe('RESP multibulk requests', () => {
  it('parses a pipeline of commands in order', () => {
    expect(parseAll([multibulk('SET', 'k', 'v') + multibulk('GET', 'k')])).toEqual([
      ['SET', 'k', 'v'],
      ['GET', 'k'],
    ]);
  });

  it('reads each command name exactly when consecutive names repeat or differ in one byte', () => {
    // The parser reuses the previous name's string when the bytes match; near-misses must not.
    const names = ['SET', 'SET', 'SEt', 'GET', 'GETDEL', 'GET', 'set', 'SET'];
    expect(parseAll([names.map((name) => multibulk(name, 'k')).join('')])).toEqual(names.map((name) => [name, 'k']));
  });

  it('yields the same commands when the pipeline is split at every byte boundary', () => {
    const pipeline = multibulk('SET', 'key', 'a\r\nb') + 'PING\r\n' + multibulk('MSET', 'a', '', 'b', 'x'.repeat(300)) + multibulk('GET', 'key');
    const expected = parseAll([pipeline]);
    expect(expected).toHaveLength(4);
    for (let cut = 1; cut < pipeline.length; cut++) {
      expect(parseAll([pipeline.slice(0, cut), pipeline.slice(cut)])).toEqual(expected);
    }
    expect(parseAll(pipeline.split(''))).toEqual(expected);
  });

  it('keeps arguments binary-safe as latin1 strings', () => {
    const bytes = Buffer.from([0, 1, 13, 10, 127, 128, 255]);
    const frame = Buffer.concat([Buffer.from('*2\r\n$3\r\nGET\r\n$7\r\n'), bytes, Buffer.from('\r\n')]);
    const [argv] = parseAll([frame]) as [string[]];
    expect(Buffer.from(argv[1]!, 'latin1')).toEqual(bytes);
  });

  it('assembles a bulk argument that spans many chunks', () => {
    const value = 'v'.repeat(200_000);
    const frame = Buffer.from(multibulk('SET', 'big', value), 'latin1');
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < frame.length; offset += 65_536) chunks.push(frame.subarray(offset, offset + 65_536));
    const [argv] = parseAll(chunks) as [string[]];
    expect(argv[2]).toBe(value);
  });

  it('skips empty and negative-count commands as Redis does', () => {
    expect(parseAll(['*0\r\n*-10\r\n\r\n' + multibulk('PING')])).toEqual([['PING']]);
  });

  it('reports pending bytes for the query-buffer limit', () => {
    const parser = new RespParser(LIMITS);
    parser.push(Buffer.from('*2\r\n$3\r\nSET\r\n$100\r\n' + 'x'.repeat(40)));
    expect(parser.next()).toBeUndefined();
    // One collected argument (SET: 3 bytes + 16 of overhead) and 40 bytes of the pending bulk.
    expect(parser.pendingBytes()).toBe(3 + 16 + 40);
  });

  it('counts every collected argument, so endless empty arguments still reach the limit', () => {
    const parser = new RespParser(LIMITS);
    parser.push(Buffer.from(`*2000000000\r\n${'$0\r\n\r\n'.repeat(10_000)}`));
    expect(parser.next()).toBeUndefined();
    expect(parser.pendingBytes()).toBeGreaterThanOrEqual(10_000 * 16);
  });

  it('joins the chunks of a parked client once instead of on every chunk', () => {
    const parser = new RespParser(LIMITS);
    const command = '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n';
    for (let i = 0; i < 50_000; i++) parser.push(Buffer.from(command));
    expect(parser.pendingBytes()).toBe(50_000 * command.length);
    let parsed = 0;
    while (Array.isArray(parser.next())) parsed++;
    expect(parsed).toBe(50_000);
  });
});

describe('RESP protocol errors (Redis 7.0 texts)', () => {
  const cases: Array<[string, string]> = [
    ['*3000000000\r\n', 'invalid multibulk length'],
    ['*abc\r\n', 'invalid multibulk length'],
    ['*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n', "expected '$', got 'f'"],
    ['*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n', 'invalid bulk length'],
    ['*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n', 'invalid bulk length'],
    ['*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n', 'invalid bulk length'],
    ['*1\r\nfoo\r\n', "expected '$', got 'f'"],
    ['set """test-key""" test-value\r\n', 'unbalanced quotes in request'],
  ];
  it.each(cases)('%j answers "Protocol error: %s"', (input, text) => {
    expect(parseAll([input])).toEqual([`ERR Protocol error: ${text}`]);
  });

  it('refuses a huge declared bulk before any payload arrives', () => {
    const parser = new RespParser({ maxBulkBytes: 1024 });
    parser.push(Buffer.from('*2\r\n$3\r\nGET\r\n$1025\r\n'));
    expect(parser.next()).toEqual(new ProtocolError('ERR Protocol error: invalid bulk length'));
  });

  it('stays failed after an error: later bytes are never parsed', () => {
    const parser = new RespParser(LIMITS);
    parser.push(Buffer.from('*x\r\n'));
    expect(parser.next()).toBeInstanceOf(ProtocolError);
    parser.push(Buffer.from('PING\r\n'));
    expect(parser.next()).toBeInstanceOf(ProtocolError);
  });

  it('answers "too big inline request" once an inline line passes 64 KiB without a newline', () => {
    expect(parseAll(['\0' + 'A'.repeat(MAX_INLINE_BYTES)])).toEqual(['ERR Protocol error: too big inline request']);
    expect(parseAll(['A'.repeat(MAX_INLINE_BYTES)])).toEqual([]);
  });

  it('answers "too big mbulk count string" / "too big bulk count string" for endless headers', () => {
    expect(parseAll(['*' + '1'.repeat(MAX_INLINE_BYTES + 1)])).toEqual(['ERR Protocol error: too big mbulk count string']);
    expect(parseAll(['*1\r\n$' + '1'.repeat(MAX_INLINE_BYTES + 1)])).toEqual(['ERR Protocol error: too big bulk count string']);
  });

  it('applies the smaller unauthenticated limits while authentication is required', () => {
    const strict = (): RespParser => Object.assign(new RespParser(LIMITS), { authRequired: true });
    expect(parseAll([multibulk(...Array.from({ length: 11 }, () => 'a'))], strict())).toEqual([
      'ERR Protocol error: unauthenticated multibulk length',
    ]);
    expect(parseAll([`*2\r\n$4\r\nAUTH\r\n$16385\r\n`], strict())).toEqual([
      'ERR Protocol error: unauthenticated bulk length',
    ]);
    expect(parseAll([multibulk('AUTH', 'x'.repeat(16_384))], strict())).toHaveLength(1);
  });
});

describe('inline commands', () => {
  it('splits on blanks and accepts a bare LF', () => {
    expect(parseAll(['  set   k  v \r\nping\n'])).toEqual([['set', 'k', 'v'], ['ping']]);
  });

  it('understands double quotes with escapes and single quotes', () => {
    expect(parseAll(['set "a b\\x41\\n\\"" \'it\\\'s\'\r\n'])).toEqual([['set', 'a bA\n"', "it's"]]);
  });

  it('lets a quote open inside a word, as sdssplitargs does', () => {
    expect(parseAll(['set ab"c d" x\r\n'])).toEqual([['set', 'abc d', 'x']]);
  });

  it.each(['set "abc\r\n', "set 'abc\r\n", 'set "a"b\r\n', "set 'a'b\r\n"])('%j is unbalanced', (line) => {
    expect(parseAll([line])).toEqual(['ERR Protocol error: unbalanced quotes in request']);
  });
});

describe('length headers (string2ll rules)', () => {
  const length = (text: string): number => parseLength(Buffer.from(text), 0, text.length);
  it('accepts plain decimals and refuses leading zeros, plus signs, blanks and -0', () => {
    expect(length('0')).toBe(0);
    expect(length('123')).toBe(123);
    expect(length('-1')).toBe(-1);
    for (const bad of ['', '01', '+1', ' 1', '1 ', '-0', '-', '1x', '9'.repeat(19)]) expect(length(bad)).toBeNaN();
  });
});

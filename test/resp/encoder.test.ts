import { describe, expect, it } from 'vitest';
import {
  BooleanReply,
  DoubleReply,
  MapReply,
  NullArray,
  OK,
  PushReply,
  SetReply,
  SimpleString,
  VerbatimString,
  type Reply,
} from '../../src/commands/reply.js';
import { CommandError } from '../../src/errors.js';
import { formatDouble } from '../../src/commands/format.js';
import { encodeReply } from '../../src/resp/encoder.js';

const cases: Array<[string, Reply, string, string]> = [
  ['bulk string', 'hello', '$5\r\nhello\r\n', '$5\r\nhello\r\n'],
  ['empty bulk string', '', '$0\r\n\r\n', '$0\r\n\r\n'],
  ['binary bulk string', '\0\r\n\xff', '$4\r\n\0\r\n\xff\r\n', '$4\r\n\0\r\n\xff\r\n'],
  ['integer', -42, ':-42\r\n', ':-42\r\n'],
  ['bigint beyond 2^53', 9223372036854775807n, ':9223372036854775807\r\n', ':9223372036854775807\r\n'],
  ['null', null, '$-1\r\n', '_\r\n'],
  ['null array', NullArray.instance, '*-1\r\n', '_\r\n'],
  ['simple string', OK, '+OK\r\n', '+OK\r\n'],
  ['error', new CommandError('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n'],
  ['error with line breaks', new CommandError('ERR a\r\nb'), '-ERR a  b\r\n', '-ERR a  b\r\n'],
  ['array', ['a', 1, null], '*3\r\n$1\r\na\r\n:1\r\n$-1\r\n', '*3\r\n$1\r\na\r\n:1\r\n_\r\n'],
  ['empty array', [], '*0\r\n', '*0\r\n'],
  ['map', new MapReply([['k', 1]]), '*2\r\n$1\r\nk\r\n:1\r\n', '%1\r\n$1\r\nk\r\n:1\r\n'],
  ['set', new SetReply(['x']), '*1\r\n$1\r\nx\r\n', '~1\r\n$1\r\nx\r\n'],
  ['double', new DoubleReply(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['infinite double', new DoubleReply(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
  ['NaN double', new DoubleReply(Number.NaN), '$3\r\nnan\r\n', ',nan\r\n'],
  ['true', BooleanReply.TRUE, ':1\r\n', '#t\r\n'],
  ['false', BooleanReply.FALSE, ':0\r\n', '#f\r\n'],
  ['verbatim', new VerbatimString('a\r\nb'), '$4\r\na\r\nb\r\n', '=8\r\ntxt:a\r\nb\r\n'],
  ['push', new PushReply(['message', 'ch', 'hi']), '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n'],
  ['nested', [new MapReply([['a', [new SimpleString('x')]]])], '*1\r\n*2\r\n$1\r\na\r\n*1\r\n+x\r\n', '*1\r\n%1\r\n$1\r\na\r\n*1\r\n+x\r\n'],
];

describe('RESP encoder', () => {
  it.each(cases)('renders %s in RESP2 and RESP3', (_name, reply, resp2, resp3) => {
    expect(encodeReply(reply, 2)).toBe(resp2);
    expect(encodeReply(reply, 3)).toBe(resp3);
  });
});

describe('doubles as Redis 7.0 prints them (%.17g)', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [1.5, '1.5'],
    [0.1, '0.10000000000000001'],
    [-3.25, '-3.25'],
    [1e17, '1e+17'],
    [123456789012345680, '1.2345678901234568e+17'],
    [1e16, '10000000000000000'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [5e-324, '4.9406564584124654e-324'],
    [Infinity, 'inf'],
  ])('%d → %s', (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import {
  BooleanReply,
  DoubleReply,
  MapReply,
  NullArray,
  PushReply,
  SetReply,
  SimpleString,
  VerbatimString,
  type Reply,
} from '../../src/commands/reply.js';
import { Errors } from '../../src/errors.js';
import { argumentBytes, envelopeJson, valueJson } from '../../routes/upstash-json.js';

const b64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64');

describe('Upstash JSON rendering of every reply type (RESP2 shapes)', () => {
  it.each<[string, Reply, string]>([
    ['a double as a string', new DoubleReply(1.5), '"1.5"'],
    ['an infinite double as Redis writes it', new DoubleReply(-Infinity), '"-inf"'],
    ['a NaN double as Redis writes it', new DoubleReply(Number.NaN), '"nan"'],
    ['a boolean as 1 / 0', [BooleanReply.TRUE, BooleanReply.FALSE], '[1,0]'],
    ['a map flattened to an array', new MapReply([['f1', 1], ['f2', ['x']]]), '["f1",1,"f2",["x"]]'],
    ['a set as an array', new SetReply(['a', 'b']), '["a","b"]'],
    ['a push as an array', new PushReply(['message', 'ch', 'hi']), '["message","ch","hi"]'],
    ['a null array as null', NullArray.instance, 'null'],
    ['verbatim text as a string', new VerbatimString('# Server\r\n'), '"# Server\\r\\n"'],
    ['a bigint with every digit', -9223372036854775808n, '-9223372036854775808'],
    ['an error nested in an array in the error shape', ['ok', Errors.wrongType()], '["ok",{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}]'],
  ])('renders %s', (_case, reply, json) => {
    expect(valueJson(reply, 'utf8')).toBe(json);
  });

  it('base64-encodes strings inside maps, sets, doubles and simple strings other than OK', () => {
    const reply: Reply = [new MapReply([['f', 'v']]), new SetReply(['m']), new DoubleReply(2.5), new SimpleString('PONG'), new SimpleString('OK')];
    expect(JSON.parse(valueJson(reply, 'base64'))).toEqual([[b64('f'), b64('v')], [b64('m')], b64('2.5'), b64('PONG'), 'OK']);
  });

  it('escapes control characters and quotes so the JSON stays valid', () => {
    const text = 'a"b\\c\u0000\u001f\n';
    expect(JSON.parse(valueJson(text, 'utf8'))).toBe(text);
  });

  it('wraps a top-level error as {"error"} and never base64-encodes its text', () => {
    expect(envelopeJson(Errors.syntax(), 'base64')).toBe('{"error":"ERR syntax error"}');
    expect(envelopeJson(null, 'base64')).toBe('{"result":null}');
  });

  it('maps JSON arguments to bytes: UTF-8 strings, printed numbers, true / false', () => {
    expect(argumentBytes('é')).toBe('\u00c3\u00a9');
    expect(argumentBytes('plain')).toBe('plain');
    expect(argumentBytes(-0.25)).toBe('-0.25');
    expect(argumentBytes(1e21)).toBe('1e+21');
    expect(argumentBytes(false)).toBe('false');
  });
});

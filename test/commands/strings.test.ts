import { describe, expect, it } from 'vitest';
import { OK } from '../../src/commands/reply.js';
import { errorText, testEngine } from '../support/engine.js';

describe('string commands', () => {
  it('SET and GET an item', () => {
    const e = testEngine();
    expect(e.run('SET', 'x', 'foobar')).toBe(OK);
    expect(e.run('GET', 'x')).toBe('foobar');
    expect(e.run('GET', 'missing')).toBeNull();
  });

  it('keeps arbitrary bytes intact', () => {
    const e = testEngine();
    const bytes = Buffer.from([0, 255, 128, 10, 13, 0x80, 0xc3]).toString('latin1');
    e.run('SET', bytes, bytes);
    expect(e.run('GET', bytes)).toBe(bytes);
  });

  it('SET NX / XX / GET follow Redis 7', () => {
    const e = testEngine();
    expect(e.run('SET', 'k', 'a', 'XX')).toBeNull();
    expect(e.run('SET', 'k', 'a', 'NX')).toBe(OK);
    expect(e.run('SET', 'k', 'b', 'NX')).toBeNull();
    expect(e.run('SET', 'k', 'c', 'XX', 'GET')).toBe('a');
    expect(e.run('SET', 'k', 'd', 'NX', 'GET')).toBe('c');
    expect(errorText(e.run('SET', 'k', 'v', 'NX', 'XX'))).toBe('ERR syntax error');
    expect(errorText(e.run('SET', 'k', 'v', 'EX', '10', 'PX', '100'))).toBe('ERR syntax error');
  });

  it('SET EX expires lazily on the injected clock', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v', 'EX', 10);
    expect(e.run('TTL', 'k')).toBe(10);
    e.clock.advance(9_999);
    expect(e.run('GET', 'k')).toBe('v');
    e.clock.advance(1);
    expect(e.run('GET', 'k')).toBeNull();
    expect(e.run('TTL', 'k')).toBe(-2);
  });

  it('refuses non-positive and overflowing expire times', () => {
    const e = testEngine();
    expect(errorText(e.run('SET', 'k', 'v', 'EX', 0))).toBe("ERR invalid expire time in 'set' command");
    expect(errorText(e.run('SETEX', 'k', -1, 'v'))).toBe("ERR invalid expire time in 'setex' command");
    expect(errorText(e.run('SET', 'k', 'v', 'EX', '10000000000000000'))).toBe("ERR invalid expire time in 'set' command");
    expect(errorText(e.run('SET', 'k', 'v', 'EX', 'abc'))).toBe('ERR value is not an integer or out of range');
  });

  it('KEEPTTL keeps the TTL, a plain SET drops it', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v', 'PX', 5000);
    e.run('SET', 'k', 'w', 'KEEPTTL');
    expect(e.run('PTTL', 'k')).toBe(5000);
    e.run('SET', 'k', 'x');
    expect(e.run('PTTL', 'k')).toBe(-1);
  });

  it('INCR family does exact int64 arithmetic', () => {
    const e = testEngine();
    expect(e.run('INCR', 'n')).toBe(1);
    expect(e.run('INCRBY', 'n', 17179869184)).toBe(17179869185);
    e.run('SET', 'n', '9223372036854775806');
    expect(e.run('INCR', 'n')).toBe(9223372036854775807n);
    expect(errorText(e.run('INCR', 'n'))).toBe('ERR increment or decrement would overflow');
    e.run('SET', 's', ' 11');
    expect(errorText(e.run('INCR', 's'))).toBe('ERR value is not an integer or out of range');
    expect(errorText(e.run('DECRBY', 'n', '-9223372036854775808'))).toBe('ERR decrement would overflow');
  });

  it('INCRBYFLOAT formats like Redis', () => {
    const e = testEngine();
    expect(e.run('INCRBYFLOAT', 'f', '1')).toBe('1');
    expect(e.run('INCRBYFLOAT', 'f', '0.25')).toBe('1.25');
    e.run('SET', 'big', '17179869184');
    expect(e.run('INCRBYFLOAT', 'big', '1.5')).toBe('17179869185.5');
    expect(errorText(e.run('INCRBYFLOAT', 'f', 'abc'))).toBe('ERR value is not a valid float');
    expect(errorText(e.run('INCRBYFLOAT', 'f', '+inf'))).toBe('ERR increment would produce NaN or Infinity');
  });

  it('APPEND, STRLEN, GETRANGE, SETRANGE', () => {
    const e = testEngine();
    expect(e.run('APPEND', 's', 'Hello')).toBe(5);
    expect(e.run('APPEND', 's', ' World')).toBe(11);
    expect(e.run('STRLEN', 's')).toBe(11);
    expect(e.run('GETRANGE', 's', 0, 4)).toBe('Hello');
    expect(e.run('GETRANGE', 's', -5, -1)).toBe('World');
    expect(e.run('GETRANGE', 's', 0, 4294967297)).toBe('Hello World');
    expect(e.run('SETRANGE', 'p', 5, 'x')).toBe(6);
    expect(e.run('GET', 'p')).toBe('\0\0\0\0\0x');
    expect(errorText(e.run('SETRANGE', 'p', -1, 'x'))).toBe('ERR offset is out of range');
    expect(errorText(e.run('SETRANGE', 'p', '9223372036854775807', 'x'))).toMatch(/string exceeds maximum allowed size/);
  });

  it('MSET / MSETNX / MGET and arity errors', () => {
    const e = testEngine();
    expect(e.run('MSET', 'a', '1', 'b', '2')).toBe(OK);
    expect(e.run('MGET', 'a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(e.run('MSETNX', 'c', '3', 'a', '9')).toBe(0);
    expect(e.run('MSETNX', 'c', '3', 'd', '4')).toBe(1);
    expect(errorText(e.run('MSET', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'mset' command");
    expect(errorText(e.run('GET'))).toBe("ERR wrong number of arguments for 'get' command");
  });

  it('GETDEL, GETEX and GETSET', () => {
    const e = testEngine();
    e.run('SET', 'k', 'v');
    expect(e.run('GETEX', 'k', 'EX', 100)).toBe('v');
    expect(e.run('TTL', 'k')).toBe(100);
    expect(e.run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(e.run('TTL', 'k')).toBe(-1);
    expect(e.run('GETSET', 'k', 'w')).toBe('v');
    expect(e.run('GETDEL', 'k')).toBe('w');
    expect(e.run('EXISTS', 'k')).toBe(0);
  });

  it('names unknown commands and their first arguments as Redis does', () => {
    const e = testEngine();
    expect(errorText(e.run('NOPE', 'a', 'b'))).toBe("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' ");
  });
});

import { describe, expect, it } from 'vitest';
import { DoubleReply, MapReply, SetReply } from '../../src/commands/reply.js';
import { rawContentType } from '../../routes/keys-negotiate.js';
import { aggregateValue } from '../../routes/keys-render.js';

describe('Accept negotiation for GET /keys/:key', () => {
  it('serves the JSON envelope to JSON clients, browsers and curl', () => {
    for (const accept of [undefined, '*/*', 'application/json', 'text/html,application/xhtml+xml,*/*;q=0.8']) {
      expect(rawContentType(accept, 'image/png')).toBeUndefined();
      expect(rawContentType(accept, null)).toBeUndefined();
    }
  });

  it('serves raw bytes when the stored type or octet-stream is asked for', () => {
    expect(rawContentType('image/png', 'image/png')).toBe('image/png');
    expect(rawContentType('IMAGE/*', 'image/png')).toBe('image/png');
    expect(rawContentType('text/plain', 'text/plain; charset=utf-8')).toBe('text/plain; charset=utf-8');
    expect(rawContentType('application/octet-stream', null)).toBe('application/octet-stream');
    expect(rawContentType('application/octet-stream', 'application/json')).toBe('application/octet-stream');
    expect(rawContentType('application/octet-stream', 'text/plain')).toBe('application/octet-stream');
  });

  it('lets q-values decide between raw bytes and an explicit application/json', () => {
    expect(rawContentType('application/json, image/png;q=0.5', 'image/png')).toBeUndefined();
    expect(rawContentType('application/json;q=0.5, image/png', 'image/png')).toBe('image/png');
    expect(rawContentType('image/png;q=0', 'image/png')).toBeUndefined();
    expect(rawContentType('application/json, application/octet-stream', null)).toBeUndefined();
  });
});

describe('JSON form of aggregate values', () => {
  it('renders maps as objects, sets and lists as arrays, doubles as numbers', () => {
    const reply = new MapReply([
      ['tags', new SetReply(['a', 'b'])],
      ['score', new DoubleReply(1.5)],
      ['top', [new MapReply([['member', 'x'], ['score', new DoubleReply(Infinity)]])]],
    ]);
    expect(JSON.parse(aggregateValue(reply))).toEqual({ tags: ['a', 'b'], score: 1.5, top: [{ member: 'x', score: 'Infinity' }] });
  });

  it('switches the whole value to base64 when one string is not UTF-8', () => {
    const rendered = aggregateValue(['ok', Buffer.from([0xff]).toString('latin1')]);
    expect(JSON.parse(`{"value":${rendered}}`)).toEqual({ value: ['b2s=', '/w=='], encoding: 'base64' });
  });
});

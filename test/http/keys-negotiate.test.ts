import { describe, expect, it } from 'vitest';
import { rawContentType } from '../../routes/keys-negotiate.js';

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

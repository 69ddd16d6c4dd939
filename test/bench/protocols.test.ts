import { describe, expect, it } from 'vitest';
import { httpFramer, percentile, respFramer } from '../../bench/lib/paced.js';
import { parseStatusRssBytes } from '../../bench/lib/processes.js';
import { encodeCommand, parseInfo, parseReply, RespError } from '../../bench/lib/resp-client.js';

describe('RESP client framing', () => {
  it('encodes a command as a multibulk of byte strings', () => {
    expect(encodeCommand(['SET', 'k', 'v\u00ff'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv\u00ff\r\n');
  });

  it('parses every reply type our commands answer, nested arrays included', () => {
    const text = '+OK\r\n-ERR no\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n';
    const replies = [];
    for (let parsed = parseReply(text, 0); parsed !== undefined; parsed = parsed.next < text.length ? parseReply(text, parsed.next) : undefined) replies.push(parsed.reply);
    expect(replies.slice(0, 5)).toEqual(['OK', new RespError('ERR no'), 42, 'abc', null]);
    expect(replies[1]).toBeInstanceOf(RespError);
    expect(replies[5]).toEqual(['a', [1]]);
  });

  it('waits for the rest of a reply cut by a TCP read', () => {
    expect(parseReply('$5\r\nab', 0)).toBeUndefined();
    expect(parseReply('*2\r\n:1\r\n', 0)).toBeUndefined();
    expect(parseReply(':1', 0)).toBeUndefined();
  });

  it('reads INFO fields and skips section headers', () => {
    const fields = parseInfo('# Memory\r\nused_memory:1024\r\nmaxmemory_policy:allkeys-lru\r\n');
    expect(fields.get('used_memory')).toBe('1024');
    expect(fields.get('maxmemory_policy')).toBe('allkeys-lru');
    expect(fields.has('# Memory')).toBe(false);
  });
});

describe('paced client reply framing', () => {
  it('delimits HTTP responses by Content-Length and counts non-2xx as failures', () => {
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    const missing = 'HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}';
    const text = ok + missing;
    const first = httpFramer.take(text, 0);
    expect(first).toEqual({ next: ok.length, ok: true });
    expect(httpFramer.take(text, first?.next ?? 0)).toEqual({ next: text.length, ok: false });
    expect(httpFramer.take(ok.slice(0, -1), 0)).toBeUndefined();
  });

  it('counts RESP error replies as failures', () => {
    expect(respFramer.take('-ERR x\r\n', 0)).toEqual({ next: 8, ok: false });
    expect(respFramer.take('$1\r\nv\r\n', 0)).toEqual({ next: 7, ok: true });
  });

  it('takes the nearest-rank percentile of sorted latencies', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(new Float64Array(0), 0.99)).toBeNaN();
  });
});

describe('process RSS', () => {
  it('reads VmRSS in bytes from /proc/<pid>/status', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmRSS:\t  204800 kB\nVmSwap:\t0 kB\n')).toBe(204800 * 1024);
    expect(() => parseStatusRssBytes('Name:\tzombie\n')).toThrow(/VmRSS/);
  });
});

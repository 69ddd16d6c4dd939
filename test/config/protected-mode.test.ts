import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { isLoopbackHost, protectedModeRefusal } from '../../config/protected-mode.js';

function refusalFor(env: Record<string, string>): string | undefined {
  return protectedModeRefusal(loadConfig({ env }).config);
}

describe('protected mode', () => {
  it('starts on loopback without a token', () => {
    expect(refusalFor({})).toBeUndefined();
    expect(refusalFor({ LARDER_HTTP_HOST: 'localhost', LARDER_RESP_HOST: '::1' })).toBeUndefined();
  });

  it('refuses a non-loopback HTTP address without a token and says how to fix it', () => {
    const refusal = refusalFor({ LARDER_HTTP_HOST: '0.0.0.0' }) ?? '';
    expect(refusal).toContain('HTTP on 0.0.0.0 (http.host)');
    expect(refusal).toContain('LARDER_AUTH_TOKENS=<secret>');
    expect(refusal).toContain('LARDER_SECURITY_ALLOW_UNPROTECTED=true');
  });

  it('refuses a non-loopback RESP address unless the RESP listener is disabled', () => {
    expect(refusalFor({ LARDER_RESP_HOST: '::' })).toContain('RESP on :: (resp.host)');
    expect(refusalFor({ LARDER_RESP_HOST: '::', LARDER_RESP_PORT: '0' })).toBeUndefined();
  });

  it('starts exposed when a token is set or the operator allows it explicitly', () => {
    expect(refusalFor({ LARDER_HTTP_HOST: '0.0.0.0', LARDER_AUTH_TOKENS: 'secret' })).toBeUndefined();
    expect(refusalFor({ LARDER_HTTP_HOST: '0.0.0.0', LARDER_SECURITY_ALLOW_UNPROTECTED: 'true' })).toBeUndefined();
  });

  it('counts only 127.0.0.0/8, ::1 and localhost names as loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'LOCALHOST'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
  });
});

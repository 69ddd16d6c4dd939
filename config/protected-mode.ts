import { isIP } from 'node:net';
import type { LarderConfig } from './schema.js';

/** Host names that only ever resolve to this machine. */
const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

/** True for 127.0.0.0/8, ::1, their IPv4-mapped form and localhost; anything else may be reachable. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (LOOPBACK_NAMES.has(bare.toLowerCase())) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

/**
 * Redis's protected-mode idea: a server reachable from the network with no password is how caches
 * get wiped and mined. Returns the refusal message, or undefined when starting is safe or allowed.
 */
export function protectedModeRefusal(config: LarderConfig): string | undefined {
  if (config.auth.tokens.length > 0 || config.security.allowUnprotected) return undefined;
  const exposed: string[] = [];
  if (!isLoopbackHost(config.http.host)) exposed.push(`HTTP on ${config.http.host} (http.host)`);
  if (config.resp.port !== 0 && !isLoopbackHost(config.resp.host)) exposed.push(`RESP on ${config.resp.host} (resp.host)`);
  if (exposed.length === 0) return undefined;
  return [
    `Refusing to start: protected mode. Larder would listen for ${exposed.join(' and ')} with no auth token,`,
    'so anyone who can reach this address could read and wipe the data. Do one of:',
    '  - set a token: LARDER_AUTH_TOKENS=<secret> (or --auth.tokens <secret>, or "auth": {"tokens": [...]} in the config file);',
    '  - listen on loopback only: LARDER_HTTP_HOST=127.0.0.1 / LARDER_RESP_HOST=127.0.0.1;',
    '  - or, if a firewall or private network already protects it: LARDER_SECURITY_ALLOW_UNPROTECTED=true (--security.allowUnprotected).',
  ].join('\n');
}

import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { HttpProblem } from './problem.js';

export interface BrowserGuardOptions {
  /** Origins allowed besides the server's own (the `cors.origins` setting). */
  corsOrigins: readonly string[];
  /**
   * Refuse requests whose Host is not a loopback name or an IP literal. Set when no token protects
   * the server: it then only listens on loopback, and a Host such as `evil.example` means a web
   * page reached it through DNS rebinding.
   */
  requireLoopbackHost: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

function hostName(host: string): string {
  const portAt = host.startsWith('[') ? host.indexOf(']:') + 1 : host.lastIndexOf(':');
  return (portAt > 0 ? host.slice(0, portAt) : host).toLowerCase();
}

function isLoopbackOrIpHost(host: string): boolean {
  const name = hostName(host);
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith('[');
}

function isSameOrigin(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Browsers send a cross-site `POST` with `Content-Type: text/plain` without asking first (no CORS
 * preflight), so any page could run `["FLUSHALL"]` on a Larder that listens on loopback without a
 * token. Requests that carry an `Origin` must come from the server's own origin or a configured
 * CORS origin; curl, SDKs and other servers send no Origin and are unaffected.
 */
export function browserGuard(options: BrowserGuardOptions) {
  const allowed = new Set(options.corsOrigins);
  // A server sees the same Host on nearly every request: the last one that passed skips the
  // parse and the pattern tests (about 1% of a small GET's CPU).
  let lastAllowedHost = '';
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const host = request.headers.host ?? '';
    if (options.requireLoopbackHost && host !== '' && host !== lastAllowedHost) {
      if (!isLoopbackOrIpHost(host)) {
        done(new HttpProblem(403, 'host_not_allowed', `Host '${host}' is not a loopback address; set auth.tokens to serve other names`));
        return;
      }
      lastAllowedHost = host;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowed.has(origin) && !isSameOrigin(origin, host)) {
      done(new HttpProblem(403, 'origin_not_allowed', `Requests from origin '${origin}' are not allowed; list it in cors.origins`));
      return;
    }
    done();
  };
}

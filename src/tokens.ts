import { createHash, timingSafeEqual } from 'node:crypto';

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * The one check of a presented secret against `auth.tokens`, shared by the HTTP and RESP doors.
 * Constant time: every configured token is compared, and comparing SHA-256 digests makes the
 * lengths equal, so neither which token nor how much of it matched leaks through timing.
 * Tokens are configured as UTF-8 text; callers pass what the client sent as bytes.
 */
export class TokenMatcher {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map((token) => sha256(Buffer.from(token, 'utf8')));
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  matches(presented: Buffer): boolean {
    const digest = sha256(presented);
    let matched = false;
    for (const candidate of this.digests) matched = timingSafeEqual(candidate, digest) || matched;
    return matched;
  }
}

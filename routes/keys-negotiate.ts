/**
 * Content negotiation for `GET /keys/:key`: the JSON envelope is the default; the stored bytes
 * themselves are served when the client asks for them by media type.
 */

/** `Entry.meta` of a value written as a non-string JSON value. */
export const JSON_META = 'application/json';
const OCTET_STREAM = 'application/octet-stream';

/** The media type without parameters, lower-cased (`Text/Plain; charset=utf-8` → `text/plain`). */
export function essence(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'q') {
      const q = Number(value);
      return Number.isFinite(q) ? q : 1;
    }
  }
  return 1;
}

interface Preferences {
  json: number;
  stored: number;
  octet: number;
}

function preferences(accept: string, storedType: string | undefined): Preferences {
  const found: Preferences = { json: 0, stored: 0, octet: 0 };
  const slash = storedType?.indexOf('/') ?? -1;
  const storedWildcard = slash > 0 ? `${storedType!.slice(0, slash)}/*` : undefined;
  for (const range of accept.split(',')) {
    const [head, ...parameters] = range.split(';');
    const type = (head ?? '').trim().toLowerCase();
    const q = qualityOf(parameters);
    if (type === JSON_META) found.json = Math.max(found.json, q);
    if (type === OCTET_STREAM) found.octet = Math.max(found.octet, q);
    if (storedType !== undefined && (type === storedType || type === storedWildcard)) found.stored = Math.max(found.stored, q);
  }
  return found;
}

/**
 * The Content-Type to serve the raw bytes with, or undefined for the JSON envelope.
 *
 * Raw wins when the client names the stored type (or its `type/*`) or `application/octet-stream`
 * with a higher q than any explicit `application/json`. Wildcards such as curl's and browsers'
 * `*\/*` do not count: they get the envelope, so a plain `curl` always sees JSON. The stored type
 * is served as written (parameters included); `application/octet-stream` otherwise.
 */
export function rawContentType(accept: string | undefined, meta: string | null): string | undefined {
  if (accept === undefined) return undefined;
  const storedType = meta === null || meta === JSON_META ? undefined : essence(meta);
  // The common cases (JSON clients, browsers, curl) decide without parsing the header.
  if (storedType === undefined && !accept.includes(OCTET_STREAM)) return undefined;
  const found = preferences(accept, storedType);
  if (found.stored > found.json && found.stored >= found.octet) return meta ?? undefined;
  if (found.octet > found.json) return OCTET_STREAM;
  return undefined;
}

/**
 * Bytes → one-byte ("latin1") JS string, the representation of keys and values everywhere in
 * the engine. Shared by the RESP parser and the snapshot and log decoders, which between them
 * build every stored string.
 *
 * `buf.latin1Slice(start, end)` is the decoder behind `buf.toString('latin1', start, end)`: an
 * undocumented Buffer method every Node release has had. Called directly it skips toString's
 * argument checks and encoding dispatch, about a quarter of the cost of decoding a 16-byte key.
 * Should a Node release drop it, the documented call takes over (checked once, at load).
 */
interface Latin1Slicing {
  latin1Slice(start: number, end: number): string;
}

export const latin1Slice: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as Partial<Latin1Slicing>).latin1Slice === 'function'
    ? (buf, start, end) => (buf as Buffer & Latin1Slicing).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);

/**
 * Seeded generators of RESP request frames for the fuzzer: valid frames, mutated ones, truncated
 * ones, inline lines with quotes, random bytes and absurd declared lengths. Deterministic per seed
 * so a failure can be replayed.
 */
import { seededRandom } from '../../support/seeded-random.js';

/** The fuzzer's seeded generator. */
export const prng = seededRandom;

const COMMANDS = ['GET', 'SET', 'PING', 'ECHO', 'INCR', 'APPEND', 'DEL', 'EXISTS', 'STRLEN', 'MGET', 'HELLO', 'CLIENT', 'TTL', 'EXPIRE', 'xyz'];
const KEYS = ['a', 'b', 'c', 'key:1', 'key:2', '', '\0\xff'];
const ABSURD = ['*99999999999\r\n', '*-1\r\n$5\r\n', '*1\r\n$4294967296\r\n', '*1\r\n$-5\r\n', '*2147483648\r\n', '$', '*', '*1\r\n$1\r\n'];

export class FrameSource {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(maxExclusive: number): number {
    return Math.floor(this.random() * maxExclusive);
  }

  private bytes(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(this.int(256));
    return text;
  }

  private argument(): string {
    const roll = this.int(10);
    if (roll < 4) return KEYS[this.int(KEYS.length)]!;
    if (roll < 7) return String(this.int(2000) - 1000);
    return this.bytes(this.int(roll === 9 ? 1000 : 40));
  }

  validFrame(): string {
    const args = [COMMANDS[this.int(COMMANDS.length)]!];
    const extra = this.int(6);
    for (let i = 0; i < extra; i++) args.push(this.argument());
    return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
  }

  private mutate(frame: string): string {
    let text = frame;
    const edits = 1 + this.int(3);
    for (let i = 0; i < edits && text.length > 0; i++) {
      const at = this.int(text.length);
      const kind = this.int(3);
      const byte = String.fromCharCode(this.int(256));
      if (kind === 0) text = text.slice(0, at) + byte + text.slice(at + 1);
      else if (kind === 1) text = text.slice(0, at) + byte + text.slice(at);
      else text = text.slice(0, at) + text.slice(at + 1);
    }
    return text;
  }

  private inline(): string {
    const parts = ['SET', 'a', '"b c"', "'d'", '"\\x41\\n"', '"open', "it's", '""', 'x"y z"'];
    const count = 1 + this.int(4);
    let line = '';
    for (let i = 0; i < count; i++) line += `${parts[this.int(parts.length)]} `;
    return `${line}\r\n`;
  }

  /** One frame of a random kind. */
  next(): string {
    const roll = this.int(100);
    if (roll < 40) return this.validFrame();
    if (roll < 65) return this.mutate(this.validFrame());
    if (roll < 75) return this.validFrame().slice(0, this.int(20));
    if (roll < 85) return this.inline();
    if (roll < 95) return this.bytes(1 + this.int(64));
    return ABSURD[this.int(ABSURD.length)]!;
  }

  /** Splits a stream into random chunk sizes, as TCP may deliver it. */
  chunks(stream: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let offset = 0; offset < stream.length; ) {
      const size = 1 + this.int(this.int(4) === 0 ? 8 : 512);
      out.push(stream.subarray(offset, offset + size));
      offset += size;
    }
    return out;
  }
}

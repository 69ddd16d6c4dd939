import type { DurabilityPort } from '../persistence/durability.js';

/**
 * A connection's output under `appendfsync always`: a batch of replies that acknowledges writes
 * leaves only once the append-only log made them durable, and everything after it (later
 * batches, pushes) queues behind it, so a client never sees its replies out of order. Reads of
 * other connections never wait: each connection holds only its own output.
 */
export class HeldOutput {
  private held: Promise<void> | undefined;

  constructor(
    private readonly durability: DurabilityPort,
    /** Writes text to the socket; false when the client was dropped. */
    private readonly write: (text: string) => boolean,
    private readonly writable: () => boolean,
  ) {}

  /** Resolves once nothing is held any more; undefined when nothing is. */
  get drained(): Promise<void> | undefined {
    return this.held;
  }

  /** A batch whose writes are the log records sealed after `mark` (DurabilityPort). */
  send(text: string, mark: number): boolean {
    const wait = this.durability.durable(mark);
    if (wait === undefined && this.held === undefined) return this.write(text);
    this.hold(wait, text);
    return true;
  }

  /** Text that acknowledges no write (a push): at once, unless earlier output is held. */
  sendAfterHeld(text: string): void {
    if (this.held === undefined) this.write(text);
    else this.hold(undefined, text);
  }

  private hold(wait: Promise<void> | undefined, text: string): void {
    const previous = this.held;
    const after = previous === undefined ? wait! : wait === undefined ? previous : previous.then(() => wait);
    const held: Promise<void> = after.then(() => {
      if (this.held === held) this.held = undefined;
      if (this.writable()) this.write(text);
    });
    this.held = held;
  }
}

import type { Reply } from '../../src/commands/reply.js';
import type { ClientSession, Persistence } from '../../src/commands/types.js';
import { createEngine, DEFAULT_LIMITS, type Engine } from '../../src/engine.js';
import { ManualClock } from '../../src/store/clock.js';

/** Persistence that records calls instead of writing files (for pure command tests). */
export class RecordingPersistence implements Persistence {
  saves = 0;
  backgroundSaves = 0;
  running = false;
  saveNow(): void {
    this.saves++;
  }
  saveInBackground(): 'started' | 'already-running' {
    if (this.running) return 'already-running';
    this.backgroundSaves++;
    return 'started';
  }
  lastSaveUnixSeconds(): number {
    return 1_700_000_000;
  }
}

export interface TestEngine extends Engine {
  clock: ManualClock;
  session: ClientSession;
  persistence: RecordingPersistence;
  /** Runs one command as a RESP client would; string arguments, reply as the handler made it. */
  run(...argv: Array<string | number>): Reply;
}

export function testEngine(overrides: Partial<Parameters<typeof createEngine>[0]> = {}): TestEngine {
  const clock = new ManualClock();
  const persistence = new RecordingPersistence();
  const engine = createEngine({ clock, limits: DEFAULT_LIMITS, persistence, ...overrides });
  const session = engine.newSession('resp', true);
  return {
    ...engine,
    clock,
    persistence,
    session,
    run: (...argv) => engine.dispatcher.dispatch(argv.map(String), session),
  };
}

/** The error text of an error reply, or a failure when the reply is not an error. */
export function errorText(reply: Reply): string {
  if (reply instanceof Error) return reply.message;
  throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
}

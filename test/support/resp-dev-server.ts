/**
 * A Larder engine behind the RESP listener only, for redis-cli / redis-benchmark / Redis's test
 * suite before the real CLI wires the RESP door. Usage: `npx tsx test/support/resp-dev-server.ts <port>`.
 * Prints the bound port; stops on SIGTERM / SIGINT.
 */
import { createEngine, DEFAULT_LIMITS } from '../../src/engine.js';
import { createRespServer } from '../../src/resp/listener.js';
import { systemClock } from '../../src/store/clock.js';
import { RecordingPersistence } from './engine.js';

const port = Number(process.argv[2] ?? 0);
const engine = createEngine({ clock: systemClock, limits: DEFAULT_LIMITS, persistence: new RecordingPersistence() });
const resp = createRespServer(engine, {
  host: '127.0.0.1',
  port,
  tokens: [],
  maxClients: 10_000,
  idleTimeoutSeconds: 0,
  protoMaxBulkLenBytes: 512_000_000,
  queryBufferLimitBytes: 1024 ** 3,
  outputBufferLimitBytes: 256 * 1024 ** 2,
  log: (level, msg, fields) => console.error(level, msg, fields ?? ''),
});
const sweep = setInterval(
  () => engine.store.activeExpireCycle({ samplesPerRound: 20, acceptableStaleRatio: 0.1, budgetMs: 25 }),
  100,
);
const bound = await resp.listen();
console.log(bound);
const stop = async (): Promise<void> => {
  clearInterval(sweep);
  await resp.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

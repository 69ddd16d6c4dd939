import type convict from 'convict';
import { EVICTION_POLICIES, type EvictionPolicy } from '../src/store/eviction.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type OnCorrupt = 'refuse' | 'move-aside';
export type AppendFsync = 'always' | 'everysec' | 'no';

/** The whole configuration, as the composition root receives it (validated, typed). */
export interface LarderConfig {
  http: { host: string; port: number; bodyLimitBytes: number; requestTimeoutMs: number };
  resp: {
    host: string;
    port: number;
    maxClients: number;
    idleTimeoutSeconds: number;
    protoMaxBulkLenBytes: number;
    queryBufferLimitBytes: number;
    outputBufferLimitBytes: number;
  };
  data: { dir: string };
  snapshot: { fileName: string; saveRules: string; onCorrupt: OnCorrupt };
  persistence: {
    aof: boolean;
    appendfsync: AppendFsync;
    aofDirName: string;
    aofRewritePercentage: number;
    aofRewriteMinBytes: number;
    aofLoadTruncated: 'load' | 'refuse';
    stopWritesOnSnapshotError: boolean;
  };
  expiry: { sweepIntervalMs: number; samplesPerRound: number; budgetMs: number };
  limits: { maxKeyBytes: number; maxValueBytes: number; maxPipelineCommands: number };
  auth: { tokens: string[] };
  security: { allowUnprotected: boolean };
  cors: { origins: string[] };
  log: { level: LogLevel };
  pubsub: { sseMaxBufferedBytes: number; sseKeepAliveSeconds: number };
  memory: { maxBytes: number; policy: EvictionPolicy; samples: number };
  databases: number;
}

const MiB = 1024 * 1024;

/**
 * Every option Larder reads. `env` and `arg` are derived from the key path by `config/options.ts`
 * (LARDER_HTTP_PORT, --http.port), so names cannot drift from keys. Formats are in formats.ts.
 */
export const configSchema: convict.Schema<LarderConfig> = {
  http: {
    host: { doc: 'Address the HTTP server binds to. A non-loopback address needs auth.tokens (protected mode).', format: 'host', default: '127.0.0.1' },
    port: { doc: 'HTTP port (0 picks a free port).', format: 'tcp-port', default: 8080 },
    bodyLimitBytes: { doc: 'Largest HTTP request body accepted; larger bodies get 413.', format: 'positive-int', default: 16 * MiB },
    requestTimeoutMs: { doc: 'Time allowed to receive a whole request before 408 (0 disables; Fastify\'s own default is 0).', format: 'non-negative-int', default: 30_000 },
  },
  resp: {
    host: { doc: 'Address the RESP (Redis protocol) listener binds to. Non-loopback needs auth.tokens.', format: 'host', default: '127.0.0.1' },
    port: { doc: 'RESP TCP port; 0 disables the listener.', format: 'tcp-port', default: 6380 },
    maxClients: { doc: 'Most RESP connections at once (Redis maxclients).', format: 'positive-int', default: 10_000 },
    idleTimeoutSeconds: { doc: 'Close RESP clients idle this long; 0 never (Redis timeout).', format: 'non-negative-int', default: 0 },
    protoMaxBulkLenBytes: { doc: 'Longest bulk string a RESP request may declare (Redis proto-max-bulk-len).', format: 'positive-int', default: 512_000_000 },
    queryBufferLimitBytes: { doc: 'Most unparsed input buffered per RESP client (Redis client-query-buffer-limit).', format: 'positive-int', default: 1024 * MiB },
    outputBufferLimitBytes: { doc: 'Pending output after which a RESP client that stopped reading is disconnected.', format: 'positive-int', default: 256 * MiB },
  },
  data: {
    dir: { doc: 'Directory of the persistent files, created if missing: the snapshot (snapshot.fileName) and the append-only log\'s directory (persistence.aofDirName).', format: String, default: './data' },
  },
  snapshot: {
    fileName: { doc: 'Snapshot file name inside data.dir.', format: String, default: 'larder.snapshot' },
    saveRules: { doc: 'Redis `save` rules: pairs of "<seconds> <changes>"; "" disables periodic snapshots (SAVE and shutdown still write one).', format: 'save-rules', default: '3600 1 300 100 60 10000' },
    onCorrupt: { doc: 'A corrupt snapshot at start: `refuse` stops with the file and offset; `move-aside` renames it and starts empty.', format: ['refuse', 'move-aside'], default: 'refuse' as OnCorrupt },
  },
  persistence: {
    aof: { doc: 'Append-only log of every write (Redis appendonly); at start the log, not the snapshot, is loaded.', format: 'flag', default: false },
    appendfsync: { doc: 'When the log is fsynced: `always` (a reply waits for the fsync that covers its write), `everysec` (about once a second, in the background), `no` (the kernel decides).', format: ['always', 'everysec', 'no'], default: 'everysec' as AppendFsync },
    aofDirName: { doc: 'Directory of the log (manifest, base and incremental files) inside data.dir (Redis appenddirname).', format: String, default: 'appendonlydir' },
    aofRewritePercentage: { doc: 'Rewrite the log when it grew this many percent over its size after the last rewrite; 0 disables (Redis auto-aof-rewrite-percentage).', format: 'non-negative-int', default: 100 },
    aofRewriteMinBytes: { doc: 'No automatic rewrite below this log size (Redis auto-aof-rewrite-min-size).', format: 'positive-int', default: 64 * MiB },
    aofLoadTruncated: { doc: 'A log whose last record is cut short at start: `load` the complete records with a warning and cut the tail off, or `refuse` to start (Redis aof-load-truncated).', format: ['load', 'refuse'], default: 'load' as 'load' | 'refuse' },
    stopWritesOnSnapshotError: { doc: 'Refuse writes (MISCONF) while the last snapshot save failed and save rules are set (Redis stop-writes-on-bgsave-error).', format: 'flag', default: true },
  },
  expiry: {
    sweepIntervalMs: { doc: 'Period of the active expiry sweep (Redis hz 10 = 100 ms).', format: 'positive-int', default: 100 },
    samplesPerRound: { doc: 'Keys with a TTL sampled per database per sweep round.', format: 'positive-int', default: 20 },
    budgetMs: { doc: 'Longest one sweep cycle may run, so it never stalls requests; while keys are still mostly stale, cycles repeat on every event-loop turn with I/O served in between.', format: 'positive-int', default: 5 },
  },
  limits: {
    maxKeyBytes: { doc: 'Longest key accepted, in bytes.', format: 'positive-int', default: 64 * 1024 },
    maxValueBytes: { doc: 'Largest string value accepted, in bytes.', format: 'positive-int', default: 512_000_000 },
    maxPipelineCommands: { doc: 'Most commands in one /commands/pipeline or /commands/multi-exec request.', format: 'positive-int', default: 1000 },
  },
  auth: {
    tokens: { doc: 'Bearer tokens (HTTP) and AUTH passwords (RESP); empty means no auth. Comma-separated in env and flags.', format: 'string-list', default: [] as string[], sensitive: true },
  },
  security: {
    allowUnprotected: { doc: 'Allow a non-loopback listener without auth.tokens (protected mode off).', format: 'flag', default: false },
  },
  cors: {
    origins: { doc: 'Origins allowed to call the API from a browser (CORS); empty disables CORS.', format: 'string-list', default: [] as string[] },
  },
  pubsub: {
    sseMaxBufferedBytes: { doc: 'Unsent output after which an HTTP event-stream subscriber that stopped reading is disconnected.', format: 'positive-int', default: 4 * MiB },
    sseKeepAliveSeconds: { doc: 'Interval of the comment lines that keep idle event streams open through proxies.', format: 'positive-int', default: 15 },
  },
  memory: {
    maxBytes: { doc: 'Redis `maxmemory`: the accounted memory (INFO used_memory) above which keys are evicted by `memory.policy`; bytes or a size such as "256mb" / "1gb"; 0 means no limit.', format: 'memory-size', default: 0 },
    policy: { doc: 'Redis `maxmemory-policy`: what to evict over the limit (noeviction refuses writes that add memory instead).', format: [...EVICTION_POLICIES], default: 'noeviction' as EvictionPolicy },
    samples: { doc: 'Redis `maxmemory-samples`: keys sampled per database per eviction round (1-64; more is closer to true LRU/LFU, and slower).', format: 'eviction-samples', default: 5 },
  },
  log: {
    level: { doc: 'Log level (pino).', format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' as LogLevel },
  },
  databases: { doc: 'Number of numbered databases (Redis `databases`).', format: 'positive-int', default: 16 },
};

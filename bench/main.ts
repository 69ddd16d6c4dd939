/**
 * `npm run bench` (via bench/run.sh): runs each suite's workloads against Larder and its reference
 * side by side, prints one table and writes bench/results/<timestamp>.json. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadBenchConfig } from './lib/config.js';
import type { Comparison } from './lib/measure.js';
import { installExitTraps } from './lib/processes.js';
import { renderProfile, summarizeProfiles, type ProfileSummary } from './lib/profile.js';
import { gitCommit, machineFacts, renderTable, writeReport, type SuiteFailure } from './lib/report.js';
import { SUITES } from './suites/index.js';
import type { SuiteContext } from './suites/types.js';

const startedAtMs = Date.now();
/** Progress on stderr with elapsed seconds, so a slow phase is visible and stdout holds the table. */
const log = (message: string): void => void process.stderr.write(`[${((Date.now() - startedAtMs) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);

async function main(): Promise<void> {
  installExitTraps();
  const config = loadBenchConfig(process.env, SUITES.map((suite) => suite.name));
  // The harness itself (population, bookkeeping) shares the load generator's core, never the server's.
  if (config.loadCpus !== undefined) execFileSync('taskset', ['-p', '-c', config.loadCpus, String(process.pid)], { stdio: 'ignore' });
  const startedAt = new Date().toISOString();
  // Read once, at the start: the figures belong to the code that was built for this run.
  const commit = gitCommit();
  const machine = machineFacts();
  const mode = config.pinned ? 'pinned' : 'unpinned';
  log(`bench: ${mode}${config.pinned ? ' (servers on core 0, load generators on core 1)' : ''}, ${config.quick ? 'quick' : 'full'} run, load average ${machine.loadAverage.join(' ')}`);
  const profileRoot = join('bench/results/profiles', startedAt.replace(/[:.]/g, '-'));
  const context: SuiteContext = {
    config,
    log,
    cpuProfileDir: (suite, server) => {
      if (!config.cpuProfile) return undefined;
      const directory = join(profileRoot, suite, server);
      mkdirSync(directory, { recursive: true });
      return directory;
    },
  };
  const comparisons: Comparison[] = [];
  const profiles: ProfileSummary[] = [];
  const failures: SuiteFailure[] = [];
  for (const suite of SUITES.filter((candidate) => config.suites.includes(candidate.name))) {
    // A suite that fails (a server that would not start, a refused load) costs its own rows only:
    // a full run is long, and the other suites' figures are still worth reporting.
    try {
      comparisons.push(...(await suite.run(context)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`suite ${suite.name} failed: ${message}`);
      failures.push({ suite: suite.name, message });
    }
    if (config.cpuProfile) profiles.push(...summarizeProfiles(suite.name, join(profileRoot, suite.name)));
    // Written after every suite (same file), so a long run stopped halfway keeps what it measured.
    writeReport({ startedAt, finishedAt: new Date().toISOString(), commit, mode, machine, config, comparisons, profiles, failures });
  }
  const path = writeReport({ startedAt, finishedAt: new Date().toISOString(), commit, mode, machine, config, comparisons, profiles, failures });
  process.stdout.write(`\n${renderTable(comparisons)}\n\n`);
  for (const failure of failures) process.stdout.write(`FAILED suite ${failure.suite}: ${failure.message}\n`);
  for (const summary of profiles) process.stdout.write(`${renderProfile(summary)}\n\n`);
  const loadAtEnd = machineFacts().loadAverage.join(' ');
  process.stdout.write(`${mode}; ${machine.cores} x ${machine.cpuModel}; node ${machine.node}; commit ${commit}; load average ${machine.loadAverage.join(' ')} at start, ${loadAtEnd} at end${config.cpuProfile ? '; PROFILED (figures include profiler overhead)' : ''}\nresults: ${path}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

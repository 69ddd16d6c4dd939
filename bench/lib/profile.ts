/**
 * Reads the `.cpuprofile` files `node --cpu-prof` writes at exit and ranks functions by self time,
 * the first question when a target is missed: where does the server's core go? Larder and the
 * bare Fastify reference are both profiled, so the two rankings can be read side by side.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The subset of V8's CPU profile format this summary reads. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Node id sampled at each tick. */
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface SelfTime {
  /** `functionName file:line`; V8's pseudo-frames keep their names: (garbage collector), (idle) … */
  frame: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  suite: string;
  server: string;
  file: string;
  /** Time on CPU: every sample but V8's `(idle)`, which is the server waiting for requests. */
  busyMs: number;
  idleMs: number;
  top: SelfTime[];
}

const IDLE_FRAME = '(idle)';
/**
 * `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`: thread 0 is the event loop that serves
 * requests; other threads (tsx's module-loader worker) only load code at start-up.
 */
const MAIN_THREAD_PROFILE = /\.\d+\.0\.\d+\.cpuprofile$/;

function frameName(node: CpuProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (url === '') return functionName || '(anonymous)';
  const path = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
  return `${functionName || '(anonymous)'} ${path}:${lineNumber + 1}`;
}

/**
 * Self time per function (summed over every node of the same frame), highest first, as a share
 * of busy time: the server idles between runs and while the reference is measured, and that
 * idle time says nothing about where a request's cost goes.
 */
export function topSelfTime(profile: CpuProfile, limit: number, root = process.cwd()): Omit<ProfileSummary, 'suite' | 'server' | 'file'> {
  const frameById = new Map(profile.nodes.map((node) => [node.id, frameName(node, root)]));
  const selfUsByFrame = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const frame = frameById.get(nodeId) ?? '(unknown)';
    selfUsByFrame.set(frame, (selfUsByFrame.get(frame) ?? 0) + Math.max(0, profile.timeDeltas[index] ?? 0));
  });
  const idleUs = selfUsByFrame.get(IDLE_FRAME) ?? 0;
  selfUsByFrame.delete(IDLE_FRAME);
  const busyUs = [...selfUsByFrame.values()].reduce((sum, us) => sum + us, 0);
  const top = [...selfUsByFrame]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, selfUs]) => ({ frame, selfMs: Math.round(selfUs / 100) / 10, percent: busyUs > 0 ? Math.round((selfUs / busyUs) * 1000) / 10 : 0 }));
  return { busyMs: Math.round(busyUs / 1000), idleMs: Math.round(idleUs / 1000), top };
}

/** Summaries of the main-thread profiles under `<directory>/<server>/` (one per Node server that exited cleanly). */
export function summarizeProfiles(suite: string, directory: string, limit = 15): ProfileSummary[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((server) =>
    readdirSync(join(directory, server))
      .filter((name) => MAIN_THREAD_PROFILE.test(name))
      .map((name) => {
        const file = join(directory, server, name);
        const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
        return { suite, server, file, ...topSelfTime(profile, limit) };
      }),
  );
}

export function renderProfile(summary: ProfileSummary): string {
  const lines = summary.top.map((entry) => `  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.frame}`);
  const title = `${summary.server} (${summary.suite} suite): top self time, % of ${summary.busyMs} ms on CPU (${summary.idleMs} ms idle not counted)`;
  return [title, `  ${summary.file}`, ...lines].join('\n');
}

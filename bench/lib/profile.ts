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
  /** The same time grouped by where the code lives: an npm package, a folder of ours, Node, V8. */
  areas: SelfTime[];
}

const IDLE_FRAME = '(idle)';
/**
 * `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`: thread 0 is the event loop that serves
 * requests; other threads (tsx's module-loader worker) only load code at start-up.
 */
const MAIN_THREAD_PROFILE = /\.\d+\.0\.\d+\.cpuprofile$/;

interface Frame {
  name: string;
  area: string;
}

/** `fastify`, `@fastify/cors`, or the folder of one of our files (`dist/routes`, `dist/src/store`). */
function areaOfPath(path: string): string {
  const parts = path.split('/');
  const packageAt = parts.lastIndexOf('node_modules') + 1;
  if (packageAt > 0) return (parts[packageAt] ?? '').startsWith('@') ? parts.slice(packageAt, packageAt + 2).join('/') : (parts[packageAt] ?? '');
  return parts.slice(0, -1).join('/') || path;
}

function frameOf(node: CpuProfileNode, root: string): Frame {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  // No URL: V8 pseudo-frames ("(garbage collector)", "(program)") and C++ bindings (writev = the send syscall).
  if (url === '') return { name, area: name.startsWith('(') ? name : 'native (C++ bindings, syscalls)' };
  if (url.startsWith('node:')) return { name: `${name} ${url}:${lineNumber + 1}`, area: 'node internals' };
  const path = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
  return { name: `${name} ${path}:${lineNumber + 1}`, area: areaOfPath(path) };
}

function ranked(selfUsByKey: Map<string, number>, busyUs: number, limit: number): SelfTime[] {
  return [...selfUsByKey]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, selfUs]) => ({ frame, selfMs: Math.round(selfUs / 100) / 10, percent: busyUs > 0 ? Math.round((selfUs / busyUs) * 1000) / 10 : 0 }));
}

/**
 * Self time per function (summed over every node of the same frame) and per area, highest first,
 * as a share of busy time: the server idles between runs and while the reference is measured,
 * and that idle time says nothing about where a request's cost goes.
 */
export function topSelfTime(profile: CpuProfile, limit: number, root = process.cwd()): Omit<ProfileSummary, 'suite' | 'server' | 'file'> {
  const frameById = new Map(profile.nodes.map((node) => [node.id, frameOf(node, root)]));
  const [byFrame, byArea] = [new Map<string, number>(), new Map<string, number>()];
  let idleUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const frame = frameById.get(nodeId) ?? { name: '(unknown)', area: '(unknown)' };
    const deltaUs = Math.max(0, profile.timeDeltas[index] ?? 0);
    if (frame.name === IDLE_FRAME) return void (idleUs += deltaUs);
    byFrame.set(frame.name, (byFrame.get(frame.name) ?? 0) + deltaUs);
    byArea.set(frame.area, (byArea.get(frame.area) ?? 0) + deltaUs);
  });
  const busyUs = [...byFrame.values()].reduce((sum, us) => sum + us, 0);
  return { busyMs: Math.round(busyUs / 1000), idleMs: Math.round(idleUs / 1000), top: ranked(byFrame, busyUs, limit), areas: ranked(byArea, busyUs, limit) };
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
  const line = (entry: SelfTime): string => `  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.frame}`;
  const title = `${summary.server} (${summary.suite} suite): self time, % of ${summary.busyMs} ms on CPU (${summary.idleMs} ms idle not counted)`;
  return [title, `  ${summary.file}`, ' by area:', ...summary.areas.map(line), ' by function:', ...summary.top.map(line)].join('\n');
}

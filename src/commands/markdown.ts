import type { CommandSpec } from './types.js';

const GROUP_TITLES: Record<string, string> = {
  string: 'Strings',
  generic: 'Keys',
  server: 'Server',
  connection: 'Connection',
  hash: 'Hashes',
  list: 'Lists',
  set: 'Sets',
  sorted_set: 'Sorted sets',
  transactions: 'Transactions',
  pubsub: 'Pub/sub',
};

/**
 * The README's list of supported commands, rendered from the command table so nobody keeps a
 * second list by hand (a test fails when README.md and the table disagree).
 */
export function supportedCommandsMarkdown(specs: Iterable<CommandSpec>): string {
  const byGroup = new Map<string, CommandSpec[]>();
  for (const spec of specs) {
    if (spec.flags.includes('internal')) continue;
    const list = byGroup.get(spec.group) ?? [];
    list.push(spec);
    byGroup.set(spec.group, list);
  }
  const lines: string[] = [];
  for (const [group, title] of Object.entries(GROUP_TITLES)) {
    const list = byGroup.get(group);
    if (list === undefined) continue;
    const names = list
      .flatMap((spec) => [spec.name, ...Object.keys(spec.subcommands ?? {}).map((sub) => `${spec.name} ${sub}`)])
      .sort()
      .map((name) => `\`${name.toUpperCase()}\``);
    lines.push(`- **${title}** (${names.length}): ${names.join(', ')}`);
  }
  return lines.join('\n');
}

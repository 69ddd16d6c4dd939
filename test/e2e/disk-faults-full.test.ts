import { afterAll, describe, expect, it } from 'vitest';
import { runFaultScenario, type FaultSource } from './durability-fault-scenario.js';
import { fiuControl, fiuPrefix, fiuWrapper, STRERROR, writeFault } from './durability-fiu.js';
import { WriteLedger } from './durability-ledger.js';
import { fillUp, mountSmall, type FilesystemKind } from './durability-mount.js';
import { startDurableLarder, type DurableLarder } from './durability-server.js';
import { cleanUp, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

const RESUME_BOUND_MS = 1_000;
const SIZE_BYTES: Record<FilesystemKind, number> = { tmpfs: 4 * 1024 * 1024, 'ext4 on a loop device': 16 * 1024 * 1024 };

/** The fault as users meet it: another file takes the last free byte, and is deleted later. */
function fillingSource(kind: FilesystemKind, dataDir: string): FaultSource {
  let free: (() => void) | undefined;
  return {
    label: `${kind.split(' ')[0]}-full`,
    strerror: STRERROR.ENOSPC,
    inject: async () => void (free = fillUp(dataDir).free),
    clear: async () => free?.(),
  };
}

/** Where the machine cannot mount: the same ENOSPC, from the kernel's answer to write(2) through fiu. */
function injectedSource(kind: FilesystemKind, larder: DurableLarder, prefix: string): FaultSource {
  const fault = writeFault('ENOSPC');
  return {
    label: `${kind.split(' ')[0]}-full-injected`,
    strerror: STRERROR.ENOSPC,
    inject: () => fiuControl(prefix, larder.pid, fault.enable),
    clear: () => fiuControl(prefix, larder.pid, fault.disable),
  };
}

async function expectNothingLost(ledger: WriteLedger, dataDir: string): Promise<number> {
  const restarted = await startDurableLarder(dataDir, 'always');
  try {
    const audit = await ledger.reconcile(restarted.respPort);
    expect(audit.lostKeys.map(({ key }) => key), 'acknowledged keys missing after restart').toEqual([]);
    expect(audit.counterLosses).toEqual([]);
    expect(audit.counterExcess).toEqual([]);
    expect(audit.wrongValues).toEqual([]);
    expect(audit.unexpectedKeys).toBe(0);
    return audit.lostKeys.length;
  } finally {
    await restarted.stop('SIGKILL');
  }
}

describe('a data directory whose filesystem fills up (appendfsync always)', () => {
  it.each<FilesystemKind>(['tmpfs', 'ext4 on a loop device'])(
    '%s: writes refused with ENOSPC on every door, reads served, writes resume within 1 s of freeing space, nothing acknowledged lost',
    async (kind) => {
      const mounted = await mountSmall(kind, SIZE_BYTES[kind]);
      const control = fiuPrefix();
      const ledger = new WriteLedger(['counter:a']);
      try {
        let dataDir: string;
        let larder: DurableLarder;
        let source: FaultSource;
        if (typeof mounted === 'string') {
          // Never a silent skip: say why, and drive the same scenario with the disk's answer injected.
          console.log(`${kind}: could not mount (${mounted}); covering disk-full with ENOSPC injected into write(2) by fiu instead`);
          dataDir = tempDataDir();
          larder = await startDurableLarder(dataDir, 'always', { wrapper: fiuWrapper(control.prefix) });
          source = injectedSource(kind, larder, control.prefix);
        } else {
          dataDir = mounted.dir;
          larder = await startDurableLarder(dataDir, 'always');
          source = fillingSource(kind, dataDir);
        }
        const figures = await runFaultScenario(ledger, larder, source);
        await larder.stop('SIGKILL');
        const lost = await expectNothingLost(ledger, dataDir);
        console.log(
          `${source.label}: refused ${figures.refusedAfterMs} ms after the disk filled, resumed ${figures.resumedAfterMs} ms after space was freed ` +
            `(bound ${RESUME_BOUND_MS} ms); ${ledger.acknowledgedCount()} acknowledged keys, ${lost} lost after kill -9 and restart`,
        );
        expect(figures.resumedAfterMs).toBeLessThanOrEqual(RESUME_BOUND_MS);
      } finally {
        cleanUp();
        if (typeof mounted !== 'string') await mounted.unmount();
        control.remove();
      }
    },
    90_000,
  );
});

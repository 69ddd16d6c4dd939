import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFaultScenario, type FaultSource } from './durability-fault-scenario.js';
import { fiuControl, fiuPrefix, fiuWrapper, fsyncFault, probeFiu, STRERROR, writeFault, type FiuFault } from './durability-fiu.js';
import { WriteLedger } from './durability-ledger.js';
import { startDurableLarder } from './durability-server.js';
import { cleanUp, tempDataDir } from './larder-process.js';

afterAll(cleanUp);

const RESUME_BOUND_MS = 1_000;
const FAULTS: FiuFault[] = [writeFault('ENOSPC'), writeFault('EIO'), fsyncFault('EIO'), fsyncFault('ENOSPC')];

/**
 * libfiu switches failures on and off inside the running server process (fiu-run -x, fiu-ctrl): the
 * real Node, the real libuv, the real files; only the kernel's answer is replaced.
 */
describe('disk faults injected into the running server with fiu (appendfsync always)', () => {
  let probeFailure: string | undefined;
  beforeAll(async () => {
    probeFailure = await probeFiu();
    console.log(probeFailure === undefined ? 'fiu: reaches Node\'s fs.writeSync (write) and fs.fdatasync (fdatasync) through libuv' : `fiu: ${probeFailure}`);
  });

  it('fiu reaches the write(2) and fdatasync(2) calls Node makes through libuv', () => {
    expect(probeFailure).toBeUndefined();
  });

  it.each(FAULTS)('$label: writes refused on every door, reads served, writes resume within 1 s, nothing acknowledged lost', async (fault) => {
    expect(probeFailure, 'fiu must reach Node first').toBeUndefined();
    const dataDir = tempDataDir();
    const control = fiuPrefix();
    const ledger = new WriteLedger(['counter:a']);
    try {
      const larder = await startDurableLarder(dataDir, 'always', { wrapper: fiuWrapper(control.prefix) });
      const source: FaultSource = {
        label: fault.label.replace(/\W+/g, '-'),
        strerror: STRERROR[fault.errno],
        inject: () => fiuControl(control.prefix, larder.pid, fault.enable),
        clear: () => fiuControl(control.prefix, larder.pid, fault.disable),
      };
      const figures = await runFaultScenario(ledger, larder, source);
      await larder.stop('SIGKILL');

      const restarted = await startDurableLarder(dataDir, 'always');
      const audit = await ledger.reconcile(restarted.respPort);
      await restarted.stop('SIGKILL');
      console.log(
        `fiu ${fault.label}: refused ${figures.refusedAfterMs} ms after the fault, resumed ${figures.resumedAfterMs} ms after it cleared ` +
          `(bound ${RESUME_BOUND_MS} ms); ${ledger.acknowledgedCount()} acknowledged keys, ${audit.lostKeys.length} lost after kill -9 and restart`,
      );
      expect(audit.lostKeys.map(({ key }) => key), 'acknowledged keys missing after restart').toEqual([]);
      expect(audit.counterLosses).toEqual([]);
      expect(audit.counterExcess).toEqual([]);
      expect(audit.wrongValues).toEqual([]);
      expect(audit.unexpectedKeys).toBe(0);
      expect(figures.resumedAfterMs).toBeLessThanOrEqual(RESUME_BOUND_MS);
    } finally {
      control.remove();
    }
  }, 90_000);
});

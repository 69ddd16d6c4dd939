import { systemClock } from '../src/store/clock.js';
import { encodeSnapshot } from '../src/store/snapshot-encoder.js';
import { Store } from '../src/store/store.js';
const store = new Store({ clock: systemClock });
const db = store.db(0);
for (let i = 0; i < 1_000_000; i++) db.set(`key:${i}`, `value:${i}`.padEnd(100, 'x'));
for (let r = 0; r < 6; r++) {
  const t = performance.now(); const c = process.cpuUsage(); const s = encodeSnapshot(store, Date.now(), 115e6); const d = process.cpuUsage(c); console.log("encode wall", (performance.now() - t).toFixed(0), "cpu", ((d.user + d.system) / 1000).toFixed(0), s.data.length);
}

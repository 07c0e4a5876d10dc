// Waits for the target to be ready before the clock starts: a service still compiling or filling
// its caches would otherwise fail the baseline for reasons no fault caused.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Adapter } from '../adapters/adapter.js';

/**
 * Polls `path` until it answers 2xx within `fastMs` three times in a row, for at most `boundMs`.
 * Returns whether it got there (a slow target still runs; the baseline shows it).
 */
export async function warmUp(adapter: Adapter, path = '/', options: { fastMs?: number; boundMs?: number } = {}): Promise<boolean> {
  const fastMs = options.fastMs ?? 250;
  const deadline = Date.now() + (options.boundMs ?? 15_000);
  let streak = 0;
  while (Date.now() < deadline) {
    const start = Date.now();
    const status = await adapter.probe(path);
    streak = status > 0 && status < 500 && Date.now() - start <= fastMs ? streak + 1 : 0;
    if (streak === 3) return true;
    await sleep(100);
  }
  return false;
}

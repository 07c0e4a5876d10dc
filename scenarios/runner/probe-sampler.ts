// Samples the scenario's http probes once a second while the run lasts, into the recorder, so an
// http probe has a per-second series like a metric probe does.
import type { Adapter } from '../adapters/adapter.js';
import type { Probe } from '../scenario/judgement-schema.js';
import type { RunClock } from './run-clock.js';
import type { RunRecorder } from './run-recorder.js';

/**
 * Starts sampling; `stop()` ends it and waits for the samples in flight. Samples that overlap (a
 * probe slower than a second) are skipped rather than piled up.
 */
export function startProbeSampler(probes: readonly Probe[], adapter: Adapter, clock: RunClock, recorder: RunRecorder): { stop(): Promise<void> } {
  const http = probes.filter((p) => p.http);
  if (http.length === 0) return { stop: async () => undefined };
  let busy: Promise<void> | undefined;
  const sample = () => {
    if (busy) return;
    busy = Promise.all(
      http.map(async (p) => {
        const time = clock.now();
        recorder.sample(p.name, time, await adapter.probe(p.http!.get));
      }),
    ).then(() => {
      busy = undefined;
    });
  };
  sample();
  const timer = setInterval(sample, 1_000);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}

// Shared parts of the resilience suites: a seeded engine whose seed is printed (CHAOS_SEED replays
// it), open-model ingest that records what the server accepted, and checks that nothing was lost.
import { ChaosEngine } from '../../../chaos/src/index.js';
import { runOpenModel, type OpenModelResult } from '../../../load/src/open-model.js';
import { TriggersApiError } from '../../../sdk/typescript/src/index.js';
import type { TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

/** A seeded, enabled engine; logs the seed with the suite's name. */
export function seededEngine(name: string, seed = process.env.CHAOS_SEED ?? String(Date.now() % 1_000_000)): ChaosEngine {
  console.log(`[chaos] ${name}: seed=${seed} (replay: CHAOS_SEED=${seed} npx vitest run test/resilience -t "${name}")`);
  return new ChaosEngine({ enabled: true, seed });
}

/**
 * Waits until every injection of the rules named `rule` (a `latency` of `holdMs` holding up a write)
 * is over, with `marginMs` for the held write to land: after it, a late copy would have shown.
 */
export async function afterHeld(engine: ChaosEngine, rule: (id: string) => boolean, holdMs: number, marginMs = 1_000): Promise<void> {
  for (const held of engine.log.entries().filter((e) => rule(e.rule))) {
    await waitFor(() => Date.now() >= held.at + holdMs + marginMs, { timeoutMs: holdMs + marginMs + 5_000, message: `the write held by ${held.rule} over` });
  }
}

export interface IngestResult extends OpenModelResult {
  /** Ids of every event answered 201. */
  accepted: string[];
  /** Per request: when it was sent (ms since start) and its status. */
  timeline: { at: number; status: number; ms: number }[];
}

/**
 * POSTs events at a constant rate through the SDK, once each (no retries); every request carries an
 * idempotency key. Sends for `durationMs`, or until `signal` aborts.
 */
export async function ingest(
  api: TestApi,
  apiKey: string,
  opts: { rate: number; durationMs: number; tag: string; onAnswered?: (t: IngestResult['timeline'][number]) => void; signal?: AbortSignal },
): Promise<IngestResult> {
  const accepted: string[] = [];
  const timeline: IngestResult['timeline'] = [];
  const client = api.client(apiKey);
  const t0 = Date.now();
  const result = await runOpenModel({
    rate: opts.rate,
    durationMs: opts.durationMs,
    maxInFlight: 500,
    ...(opts.signal ? { signal: opts.signal } : {}),
    send: async (i) => {
      const at = Date.now() - t0;
      let status = 0;
      try {
        const onResponse = (res: Response) => (status = res.status);
        const event = await client.events.create({ source: 'resilience', event_type: 'order.created', payload: { i, tag: opts.tag } }, { idempotencyKey: `${opts.tag}-${i}`, onResponse });
        if (status === 201) accepted.push(event.event_id);
      } catch (err) {
        // A refusal keeps its status; a lost or unreadable answer (network error, timeout) counts as 0.
        status = err instanceof TriggersApiError ? err.status : 0;
      }
      const answered = { at, status, ms: Date.now() - t0 - at };
      timeline.push(answered);
      opts.onAnswered?.(answered);
      return { ok: status === 201, status };
    },
  });
  return { ...result, accepted, timeline };
}

/** Ids among `ids` that cannot be read back. */
export async function missingEvents(api: TestApi, apiKey: string, ids: readonly string[]): Promise<string[]> {
  const client = api.client(apiKey);
  const missing: string[] = [];
  for (const id of ids) {
    const readable = await client.events.get(id).then(
      () => true,
      (err: unknown) => {
        // Any refusal (404 above all) means the event cannot be read back.
        if (err instanceof TriggersApiError) return false;
        throw err;
      },
    );
    if (!readable) missing.push(id);
  }
  return missing;
}

/**
 * Starts a fault `startMs` from now (and not before `notBefore`, when given) and ends it `forMs` after
 * it started; resolves once it has ended.
 */
export function faultWindow(
  startMs: number,
  forMs: number,
  fault: { start: () => Promise<unknown>; end: () => Promise<unknown> },
  notBefore?: Promise<unknown>,
): Promise<void> {
  const at = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return Promise.all([at(startMs), notBefore])
    .then(fault.start)
    .then(() => at(forMs))
    .then(fault.end)
    .then(() => undefined);
}

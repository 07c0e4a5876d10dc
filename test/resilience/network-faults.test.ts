// Network faults between the server and DynamoDB, and between the worker and a receiver, injected by
// the Toxiproxy-compatible proxy (driven with toxiproxy-node-client, as any Toxiproxy user would).
// TOXIPROXY_URL points the suite at a real Toxiproxy instead of the embedded one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureProxy } from '../../chaos/src/proxy/ensure-proxy.js';
import { startToxiproxyServer } from '../../chaos/src/proxy/server.js';
import type { Dynamo } from '../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../reference-server/src/store/embedded-dynalite.js';
import { runScenario } from '../../scenarios/runner/run-scenario.js';
import { defineScenario } from '../../scenarios/scenario/define-scenario.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { faultWindow, ingest, missingEvents } from './support/chaos-run.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyApi(): Promise<string> {
  if (process.env.TOXIPROXY_URL) return process.env.TOXIPROXY_URL;
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  console.log(`[chaos] network faults: proxy seed=${seed} (replay: CHAOS_SEED=${seed})`);
  const server = await startToxiproxyServer({ port: 0, seed });
  cleanups.push(() => server.close());
  return server.url;
}

describe('network faults through the proxy', () => {
  it('resets and latency between the server and DynamoDB during ingest lose nothing accepted', async () => {
    const db: EmbeddedDynamo = await startEmbeddedDynamo();
    cleanups.push(() => db.stop());
    const apiUrl = await proxyApi();
    const route = await ensureProxy(apiUrl, { name: `dynamodb-${db.port}`, upstream: `127.0.0.1:${db.port}` });
    // Counts SDK attempts that failed (inside the retry middleware, so every attempt is seen): the proof
    // that the resets reached the server, whether or not a request ran out of retries.
    let failedAttempts = 0;
    const countFailedAttempts = (dynamo: Dynamo) =>
      dynamo.client.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (err) {
            failedAttempts++;
            throw err;
          }
        },
        { step: 'finalizeRequest', priority: 'low', name: 'countFailedAttempts' },
      );
    const api: TestApi = await startTestApi(
      { DYNAMODB_ENDPOINT: route.rewrite(db.endpoint), RATE_LIMIT_ENABLED: 'false', AUTH_CACHE_MS: '2000', WORKER_ENABLED: 'false', DYNAMODB_MAX_ATTEMPTS: '8' },
      { onDynamo: (dynamo) => countFailedAttempts(dynamo) },
    );
    cleanups.push(() => api.close());
    const key = await api.createKey();

    const proxy = await new Toxiproxy(apiUrl).get(`dynamodb-${db.port}`);
    await proxy.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 30, jitter: 20 } });
    // Every connection is reset at its next data in a 600 ms window from t = 1 s: the SDK must retry through it.
    // The window opens no earlier than the first answer, so some requests always finish before it,
    // however slowly a loaded machine starts the server's first calls.
    // When the resets were really on and off is recorded (a loaded machine moves both), in the
    // timeline's frame: ms since ingest began.
    const reset = { on: Infinity, off: Infinity };
    let firstAnswer!: () => void;
    const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
    // Load goes on until the window has closed (and 500 ms more), however late it opens: a fixed 3 s of
    // load on a heavily loaded machine was once answered in full before the window opened, so no call
    // met a reset. 15 s bounds it.
    const stop = new AbortController();
    const t0 = Date.now();
    const window = faultWindow(1_000, 600, {
      start: async () => {
        reset.on = Date.now() - t0; // before the call: from here on a reset may happen
        await proxy.addToxic({ name: 'resets', type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
      },
      end: async () => {
        await (await proxy.getToxic('resets')).remove();
        reset.off = Date.now() - t0; // after the call: until here a reset may happen
      },
    }, answered);
    void window.then(() => setTimeout(() => stop.abort(), 500));
    const done = await ingest(api, key.api_key, { rate: 30, durationMs: 15_000, tag: 'net', signal: stop.signal, onAnswered: () => firstAnswer() });
    await window;
    await (await proxy.getToxic('slow')).remove();

    // The resets reached the server's DynamoDB calls, and the requests that met them were held by
    // retries, well past the 30 ± 20 ms latency toxic.
    expect(failedAttempts).toBeGreaterThan(0);
    expect(done.latencyMs.max).toBeGreaterThan(150);
    // Failures stay within the requests that met the window, each a retryable 503; everything that
    // finished before it succeeded. Which requests met it is read from the timeline against the
    // recorded window, not from the nominal rate: on a loaded 2-core machine requests queue, and more
    // of them are in flight while the resets are on. (Just after it, the SDK's retry quota is still
    // drained, so a reused dead socket may surface as a 503 or two more: budgeted.) How many end as
    // 503 rather than succeeding on a retry depends on how retries line up with the window; it can be none.
    const metWindow = done.timeline.filter((t) => t.at <= reset.off && t.at + t.ms >= reset.on);
    expect(done.failed).toBeLessThanOrEqual(metWindow.length + 3);
    for (const t of done.timeline) expect([201, 503]).toContain(t.status);
    // Judged by when a request finished, not when it was sent: on a loaded machine a request sent just
    // before the window can still be in flight when the resets begin. A request answered in the
    // millisecond the window opened counts: the window opens on the first answer when that comes after
    // 1 s, and the resets go on only after that.
    const beforeWindow = done.timeline.filter((t) => t.at + t.ms <= reset.on);
    expect(beforeWindow.length).toBeGreaterThan(0);
    expect(beforeWindow.every((t) => t.status === 201)).toBe(true);
    expect(await missingEvents(api, key.api_key, done.accepted)).toEqual([]);
  });

  // As a scenario: the runner puts the worker↔receiver link behind its proxy (TOXIPROXY_URL: a real
  // Toxiproxy), drives the load, and judges deliveries from its own receiver's receipts.
  it('a receiver behind a proxy that is down, then slow, then healed: every delivery arrives', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    console.log(`[chaos] receiver link down then slow: seed=${seed} (replay: CHAOS_SEED=${seed})`);
    const out = await mkdtemp(join(tmpdir(), 'aftershock-net-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const journal = await runScenario(
      defineScenario({
        title: 'receiver link down, then slow',
        target: { kind: 'embedded', env: { WORKER_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_VISIBILITY_TIMEOUT_MS: '2000', WEBHOOK_RETRY_SCHEDULE: '300,600,1200,2400,2400', WEBHOOK_RETRY_JITTER: '0' } },
        load: { rate: 20 },
        phases: { baseline: '0.5s', fault: '2s', recovery: '1s' },
        method: [
          { name: 'link down', at: '0.5s', for: '1s', fault: { proxy: { link: 'receiver', down: true } } },
          { name: 'link slow', at: '1.5s', for: '1s', fault: { proxy: { link: 'receiver', toxic: { type: 'latency', attributes: { latency: 100 } } } } },
        ],
        gates: [{ invariants: ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry'] }],
        quiesce: '20s',
      }),
      { seed, out, env: { ...process.env } },
    );
    // Both faults really ran and were healed, and events were created while the link was down.
    expect(journal.activities.map((a) => [a.name, a.status])).toEqual([['link down', 'healed'], ['link slow', 'healed']]);
    expect(journal.load.ops.create_event!.ok).toBeGreaterThan(20);
    const failed = journal.checkers.filter((c) => !c.valid).map((c) => `${c.name}: ${JSON.stringify(c.counts)}`);
    expect(failed).toEqual([]);
    expect(journal.status).toBe('completed');
  });
});

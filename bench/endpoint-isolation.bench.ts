// Endpoint isolation: a healthy webhook's event→receipt latency while another tenant's webhook hangs
// on 0, 24 and 200 deliveries, side by side in one run (each case on a fresh in-process stack with the
// default config: 16 slots per worker, 8 per endpoint, 10 s timeout). Goal: p99 with hanging
// deliveries within 1.5× of the p99 with none.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReceiver } from '../test/support/receiver.js';
import { startTestApi } from '../test/support/test-api.js';
import { waitFor } from '../test/support/wait-for.js';
import { table } from './record.js';
import { UNLIMITED_TIERS } from './unlimited-tiers.js';

const HANGING = [0, 24, 200];
const RATE = Number(process.env.BENCH_ISOLATION_RATE ?? 20);
const HEALTHY_EVENTS = Number(process.env.BENCH_ISOLATION_EVENTS ?? 200);
const GOAL_RATIO = 1.5;
/** Rounds of all three cases, taken in turn so that noise from a shared machine falls on each alike. */
const ROUNDS = Number(process.env.BENCH_ISOLATION_ROUNDS ?? 3);

interface Case {
  hanging: number;
  p50: number;
  p99: number;
  max: number;
  received: number;
}

export default async function endpointIsolation() {
  const rounds: Case[][] = HANGING.map(() => []);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, hanging] of HANGING.entries()) {
      console.log(`  round ${round}/${ROUNDS}, ${hanging} hanging deliveries: ${HEALTHY_EVENTS} healthy events at ${RATE}/s …`);
      rounds[i]!.push(await runCase(hanging));
    }
  }
  // Per case, the round with the median p99.
  const cases = rounds.map((r) => [...r].sort((a, b) => a.p99 - b.p99)[Math.floor(r.length / 2)]!);
  const base = cases[0]!.p99;
  const rows = cases.map((c, i) => {
    const ratio = base > 0 ? c.p99 / base : 0;
    const verdict = c.hanging === 0 ? 'baseline' : ratio <= GOAL_RATIO ? 'met' : 'NOT met';
    const all = rounds[i]!.map((r) => r.p99.toFixed(0)).join(', ');
    return [c.hanging, `${c.received} / ${HEALTHY_EVENTS}`, c.p50.toFixed(1), `${c.p99.toFixed(1)} (rounds: ${all})`, c.max.toFixed(1), c.hanging === 0 ? '1.00×' : `${ratio.toFixed(2)}× — ${verdict}`];
  });
  const body = [
    table(['hanging deliveries to another tenant', 'healthy received', 'p50 ms', `median p99 ms of ${ROUNDS} rounds`, 'max ms', `p99 vs none (goal ≤ ${GOAL_RATIO}×)`], rows),
    '',
    `A healthy webhook gets ${HEALTHY_EVENTS} events at ${RATE}/s while another tenant's webhook holds every request open without`,
    'answering. Latency is from just before the POST /v1/events to the receipt at the healthy receiver. One in-process server with',
    'its worker (WORKER_CONCURRENCY 16, WEBHOOK_ENDPOINT_CONCURRENCY 8, WEBHOOK_TIMEOUT_MS 10 s), in-memory store. Before the per-endpoint',
    'caps, 24 hanging deliveries took all 16 slots and the healthy p99 was ~10 s. On a shared 2-core machine these numbers are noisy.',
  ].join('\n');
  return { title: 'Endpoint isolation: a healthy webhook beside a hanging one', body };
}

async function runCase(hangingCount: number): Promise<Case> {
  let open = 0;
  const hanging: Server = createServer((req, res) => {
    open++;
    res.on('close', () => open--);
    req.resume();
  });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  const healthy = await startReceiver();
  const api = await startTestApi({ RATE_LIMIT_TIERS: UNLIMITED_TIERS, LOG_LEVEL: 'silent' });
  try {
    const slowKey = (await api.createKey()).api_key;
    const okKey = (await api.createKey()).api_key;
    const { port } = hanging.address() as AddressInfo;
    await api.call('POST', '/v1/webhooks', { key: slowKey, body: { url: `http://127.0.0.1:${port}/hang`, events: ['*'] } });
    await api.call('POST', '/v1/webhooks', { key: okKey, body: { url: healthy.url, events: ['*'] } });
    for (let i = 0; i < hangingCount; i++) await api.call('POST', '/v1/events', { key: slowKey, body: { source: 'slow', event_type: 'e', payload: { i } } });
    if (hangingCount > 0) await waitFor(() => open > 0, { timeoutMs: 10_000, message: 'hanging requests open' });

    const sentAt = new Map<number, number>();
    const posts: Promise<unknown>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < HEALTHY_EVENTS; i++) {
      const due = t0 + (i * 1000) / RATE;
      await waitFor(() => performance.now() >= due, { timeoutMs: 60_000, intervalMs: 2 });
      sentAt.set(i, Date.now());
      posts.push(api.call('POST', '/v1/events', { key: okKey, body: { source: 'ok', event_type: 'e', payload: { i } } }));
    }
    await Promise.all(posts);
    await waitFor(() => healthy.received.length >= HEALTHY_EVENTS, { timeoutMs: 60_000, intervalMs: 50 }).catch(() => undefined);
    const latencies = healthy.received
      .map((r) => r.at - sentAt.get((JSON.parse(r.body) as { data: { payload: { i: number } } }).data.payload.i)!)
      .sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN;
    return { hanging: hangingCount, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? NaN, received: healthy.received.length };
  } finally {
    // The hanging requests end first, so the workers' attempts end at once instead of at their timeout.
    hanging.closeAllConnections();
    await new Promise<void>((r) => hanging.close(() => r()));
    await api.close();
    await healthy.close();
  }
}

// The cost of hosting chaos in the Triggers API: POST /v1/events throughput with the fault points
// (a) left out, (b) installed with chaos disabled, (c) enabled with rules that match nothing. Three
// servers share one dynalite; rounds are interleaved so machine drift hits all three alike.
import { Pool } from 'undici';
import { ChaosEngine } from '../chaos/src/index.js';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { loadConfig } from '../reference-server/src/config.js';
import { issueApiKey } from '../reference-server/src/http/issue-api-key.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { startTriggersApi, type TriggersApi } from '../reference-server/src/triggers-api.js';
import { table } from './record.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = 16;

const variants = {
  a: { label: '(a) fault points left out', chaos: { install: false } },
  b: { label: '(b) installed, chaos disabled', chaos: { engine: new ChaosEngine({ enabled: false, seed: 1 }) } },
  c: {
    label: '(c) enabled, rules that match nothing',
    chaos: {
      engine: new ChaosEngine({
        enabled: true,
        seed: 1,
        rules: [
          { id: 'other-table', point: 'dynamodb', match: { table: 'no-such-table' }, injector: { kind: 'latency', ms: 100 }, duration: null },
          { id: 'other-route', point: 'http_in', match: { route: '/nowhere' }, injector: { kind: 'http_error', status: 503 }, duration: null },
        ],
      }),
    },
  },
} as const;
type Name = keyof typeof variants;

export default async function chaosServer() {
  const db = await startEmbeddedDynamo();
  const servers: Partial<Record<Name, { api: TriggersApi; pool: Pool; key: string }>> = {};
  try {
    for (const name of Object.keys(variants) as Name[]) {
      const config = loadConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', DYNAMODB_ENDPOINT: db.endpoint, TABLE_PREFIX: `cs-${name}-`, WORKER_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false' });
      const api = await startTriggersApi(config, { adminToken: 'adm_bench_token_0123456789', secretsKey: 'bench-secrets-key-0123456789abcdef0123', chaos: variants[name].chaos });
      const key = await issueApiKey(api.deps, { name: 'bench' });
      servers[name] = { api, pool: new Pool(api.url, { connections: CONCURRENCY }), key: key.api_key };
    }
    const body = JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { n: 1 } });
    const rates: Record<Name, number[]> = { a: [], b: [], c: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = (['a', 'b', 'c'] as Name[]).map((n, i, all) => all[(i + round) % all.length]!);
      for (const name of order) {
        const { pool, key } = servers[name]!;
        const r = await runClosedLoop({
          concurrency: CONCURRENCY,
          durationMs: SECONDS * 1000,
          op: async () => {
            const res = await pool.request({ path: '/v1/events', method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
            await res.body.dump();
            return res.statusCode === 201;
          },
        });
        rates[name].push(r.opsPerSecond);
      }
    }
    const spread = (xs: number[]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!;
      return ((q(0.75) - q(0.25)) / 2 / median(xs)) * 100;
    };
    const signed = (pct: number) => `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)} % (positive: slower)`;
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const base = median(rates.a);
    const row = (n: Name) => [variants[n].label, `${median(rates[n]).toFixed(0)} events/s`, n === 'a' ? 'baseline' : signed(((base - median(rates[n])) / base) * 100)];
    const cost = (n: Name) => ((base - median(rates[n])) / base) * 100;
    return {
      title: 'Chaos hosted in the server: POST /v1/events cost when nothing is injected',
      body: [
        table(['variant', 'median throughput', 'cost vs (a)'], [row('a'), row('b'), row('c')]),
        '',
        table(['variant', 'events/s per round'], (Object.keys(rates) as Name[]).map((n) => [n, rates[n].map((x) => x.toFixed(0)).join(', ')])),
        '',
        `Resolution: the interquartile spread of (a)'s rounds is ±${spread(rates.a).toFixed(1)} % of its median.`,
      ].join('\n'),
      method: [
        `${ROUNDS} interleaved rounds of ${SECONDS} s per variant, ${CONCURRENCY} requests in flight; the three servers run in`,
        'the bench process over one dynalite process. Differences smaller than the resolution are noise on this shared',
        'machine, not a measured cost. The per-call cost of a disabled point is measured directly in the fault-point benchmark.',
      ].join('\n'),
      goals: [
        { name: `(b) ${variants.b.label}: cost vs (a)`, value: cost('b'), op: '<=' as const, target: 1, unit: '%' },
        { name: `(c) ${variants.c.label}: cost vs (a)`, value: cost('c'), op: '<=' as const, target: 3, unit: '%' },
      ],
    };
  } finally {
    for (const s of Object.values(servers)) {
      await s?.pool.close();
      await s?.api.close();
    }
    await db.stop();
  }
}

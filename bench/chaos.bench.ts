// The cost of the chaos fault points when they inject nothing: DynamoDB PutItem through the SDK
// middleware and HTTP requests through the Express middleware, each measured (a) without the fault
// point, (b) installed with chaos disabled, (c) enabled with rules that do not match. Variants are
// interleaved round by round so drift on the shared machine hits them all alike; medians are reported.
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import express from 'express';
import { Agent, request } from 'undici';
import { addChaosMiddleware } from '../chaos/src/points/dynamodb-point.js';
import { chaosExpressMiddleware } from '../chaos/src/points/express-point.js';
import { ChaosEngine } from '../chaos/src/rules/chaos-engine.js';
import type { RuleInput } from '../chaos/src/rules/rule-schema.js';
import { listenOnLoopback } from './loopback.js';
import { ownCpuMs } from './process-cpu.js';
import { table } from './record.js';

const DYNAMO_OPS = 1500; // per variant
const HTTP_REQUESTS = 3000; // per variant, sequential
const DECIDE_CALLS = 2_000_000;

type Variant = 'a' | 'b' | 'c';
const VARIANTS = ['a', 'b', 'c'] as const;
const labels: Record<Variant, string> = {
  a: '(a) no fault point',
  b: '(b) installed, chaos disabled',
  c: '(c) enabled, no matching rule',
};

// Rules that target the point but never match these calls, so (c) pays for matching, not injecting.
const nonMatching: RuleInput[] = [
  { id: 'other-table', point: 'dynamodb', match: { table: 'not-this-table' }, injector: { kind: 'latency', ms: 1000 }, duration: null },
  { id: 'other-route', point: 'http_in', match: { method: 'DELETE', route: '/v1/other/:id' }, injector: { kind: 'http_error' }, duration: null },
];
const engine = (enabled: boolean) => new ChaosEngine({ enabled, seed: 1, rules: nonMatching });

/** Median wall time and process CPU time per call (ms), per variant. */
interface Result {
  wall: Record<Variant, number>;
  cpu: Record<Variant, number>;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
/**
 * Runs `count` calls per variant, one of each variant in turn (rotating which goes first), timing
 * each call in wall time and in this process's CPU time (client, server and dynalite all run here,
 * alike for every variant). CPU time is what the fault point adds and is far less disturbed than
 * wall time by neighbours on the shared cores. The first tenth is warm-up. Medians, not means: a
 * stray GC pause moves a mean by more than the effect being measured.
 */
async function interleaved(count: number, call: (v: Variant, i: number) => Promise<void>): Promise<Result> {
  const wall: Record<Variant, number[]> = { a: [], b: [], c: [] };
  const cpu: Record<Variant, number[]> = { a: [], b: [], c: [] };
  const warmup = Math.floor(count / 10);
  for (let i = 0; i < count + warmup; i++) {
    for (let k = 0; k < 3; k++) {
      const v = VARIANTS[(i + k) % 3] as Variant;
      const startedCpu = ownCpuMs();
      const started = performance.now();
      await call(v, i);
      const elapsed = performance.now() - started;
      const elapsedCpu = ownCpuMs() - startedCpu;
      if (i >= warmup) {
        wall[v].push(elapsed);
        cpu[v].push(elapsedCpu);
      }
    }
  }
  const medians = (m: Record<Variant, number[]>) => ({ a: median(m.a), b: median(m.b), c: median(m.c) });
  return { wall: medians(wall), cpu: medians(cpu) };
}

async function dynamoBench(): Promise<Result> {
  const dynalite = createRequire(import.meta.url)('dynalite') as (o: object) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listenOnLoopback(server);
  const make = () => new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const clients: Record<Variant, DynamoDBClient> = { a: make(), b: make(), c: make() };
  addChaosMiddleware(clients.b, engine(false));
  addChaosMiddleware(clients.c, engine(true));
  await clients.a.send(new CreateTableCommand({
    TableName: 'bench',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  const result = await interleaved(DYNAMO_OPS, async (v, i) => {
    await clients[v].send(new PutItemCommand({ TableName: 'bench', Item: { pk: { S: `k${i % 1000}` }, v: { S: v } } }));
  });
  for (const c of Object.values(clients)) c.destroy();
  await new Promise((resolve) => server.close(resolve));
  return result;
}

async function httpBench(): Promise<Result> {
  const app = (v: Variant) => {
    const a = express();
    a.use(express.json());
    if (v === 'b') a.use(chaosExpressMiddleware(engine(false)));
    if (v === 'c') a.use(chaosExpressMiddleware(engine(true)));
    a.post('/v1/events', (req, res) => void res.status(201).json({ received: Boolean(req.body) }));
    return a;
  };
  const servers = { a: createServer(app('a')), b: createServer(app('b')), c: createServer(app('c')) };
  const urls = { a: await listenOnLoopback(servers.a), b: await listenOnLoopback(servers.b), c: await listenOnLoopback(servers.c) };
  const dispatcher = new Agent({ connections: 1 });
  const body = JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { n: 1 } });
  const result = await interleaved(HTTP_REQUESTS, async (v) => {
    const res = await request(`${urls[v]}/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher });
    await res.body.dump();
  });
  await dispatcher.close();
  for (const s of Object.values(servers)) await new Promise((resolve) => s.close(resolve));
  return result;
}

function decideBench(): Record<Variant, number> {
  // (a) here is an engine with no rule for the point: the per-point index miss.
  const engines = { a: new ChaosEngine({ enabled: true }), b: engine(false), c: engine(true) };
  const attributes = { operation: 'PutItem', table: ['bench'] };
  const out = { a: 0, b: 0, c: 0 };
  for (const v of ['a', 'b', 'c'] as const) {
    const e = engines[v];
    const started = performance.now();
    for (let i = 0; i < DECIDE_CALLS; i++) e.decide('dynamodb', attributes);
    out[v] = ((performance.now() - started) * 1e6) / DECIDE_CALLS;
  }
  return out;
}

export default async () => {
  const dynamo = await dynamoBench();
  const http = await httpBench();
  const decide = decideBench();
  // Cost = extra median time relative to (a); throughput at fixed concurrency scales as its inverse.
  const pct = (x: number, base: number) => `${(((x - base) / base) * 100).toFixed(1)} %`;
  const rows = (r: Result) =>
    VARIANTS.map((v) => [
      labels[v],
      (r.wall[v] * 1000).toFixed(0),
      v === 'a' ? '—' : pct(r.wall[v], r.wall.a),
      (r.cpu[v] * 1000).toFixed(0),
      v === 'a' ? '—' : pct(r.cpu[v], r.cpu.a),
    ]);
  const headers = ['variant', 'median wall µs', 'wall cost vs (a)', 'median CPU µs', 'CPU cost vs (a)'];
  const body = [
    `**DynamoDB PutItem** (AWS SDK v3 → dynalite on loopback, ${DYNAMO_OPS} sequential calls per variant)`,
    '',
    table(headers, rows(dynamo)),
    '',
    `**Express POST route** (undici → Express on loopback, ${HTTP_REQUESTS} sequential requests per variant, keep-alive, JSON body)`,
    '',
    table(headers, rows(http)),
    '',
    `**ChaosEngine.decide alone** (${DECIDE_CALLS.toLocaleString('en')} calls, tight loop)`,
    '',
    table(['engine', 'ns per call'], VARIANTS.map((v) => [v === 'a' ? 'enabled, no rule at the point' : labels[v].slice(4), decide[v].toFixed(1)])),
  ].join('\n');
  // The goals (≤ 1 % disabled, ≤ 3 % enabled without a matching rule) apply to a whole server request and
  // are declared by the chaos-server suite; these per-call figures explain where that cost comes from.
  const method = [
    'Fault points with nothing to inject. Calls to the three variants are interleaved one by one and timed',
    'individually in wall time and in process CPU time (client, server and dynalite share the process);',
    'first tenth discarded as warm-up; medians. CPU time is the steadier measure on shared cores.',
    '(b) is one property read per call plus one more SDK middleware / Express layer; (c) adds one decision,',
    'cheap in a hot loop (last table) but dearer in these sequential loops, where each call runs after other',
    'work with cold caches. Under concurrent load the code stays warm, so these percentages are an upper bound.',
    'The goals for a whole server request are judged in the chaos-server section.',
  ].join('\n');
  return { title: 'Chaos fault points: cost when nothing is injected', body, method };
};

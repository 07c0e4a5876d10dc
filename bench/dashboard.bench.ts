// The dashboard's cost: the bundle a browser downloads (raw and gzip), and what mounting it at
// /dashboard adds to an API request. Two Express apps answer POST /v1/events alike, (a) without and
// (b) with the dashboard router mounted in front; requests alternate between them round by round so
// drift on the shared machine hits both alike, and medians of wall and CPU time are compared.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { Agent, request } from 'undici';
import { ensureDashboardBuilt } from '../reference-server/src/web/build-dashboard.js';
import type { DashboardApiDeps } from '../reference-server/src/web/dashboard-api.js';
import { dashboardRouter } from '../reference-server/src/web/dashboard-router.js';
import { listenOnLoopback } from './loopback.js';
import { ownCpuMs } from './process-cpu.js';
import { table } from './record.js';

const REQUESTS = 4000; // per variant, sequential, after a tenth of warm-up

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
function bundleRows(dir: string): (string | number)[][] {
  const files = [...readdirSync(join(dir, 'assets')).map((f) => join('assets', f)), 'index.html'];
  let raw = 0;
  let gz = 0;
  const rows = files.map((f) => {
    const bytes = readFileSync(join(dir, f));
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += zipped;
    return [f.replace(/-[A-Za-z0-9_-]{8}\./, '-<hash>.'), `${(bytes.length / 1024).toFixed(1)} KB`, `${(zipped / 1024).toFixed(1)} KB`];
  });
  return [...rows, ['**total**', `${(raw / 1024).toFixed(1)} KB`, `**${(gz / 1024).toFixed(1)} KB**`]];
}

async function mountCost(bundleDir: string) {
  // The router is built as the server builds it; its API handlers are never reached by /v1 requests.
  const deps = { adminToken: 'adm_bench', config: { NODE_ENV: 'test' } } as unknown as DashboardApiDeps;
  const app = (mounted: boolean) => {
    const a = express();
    if (mounted) a.use('/dashboard', dashboardRouter(deps, { bundleDir }));
    a.use(express.json());
    a.post('/v1/events', (req, res) => void res.status(201).json({ received: Boolean(req.body) }));
    return a;
  };
  const servers = [createServer(app(false)), createServer(app(true))];
  const urls = [await listenOnLoopback(servers[0]!), await listenOnLoopback(servers[1]!)];
  const dispatcher = new Agent({ connections: 1 });
  const body = JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { n: 1 } });
  const wall: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  const warmup = REQUESTS / 10;
  for (let i = 0; i < REQUESTS + warmup; i++) {
    for (let k = 0; k < 2; k++) {
      const v = (i + k) % 2;
      const startedCpu = ownCpuMs();
      const started = performance.now();
      const res = await request(`${urls[v]}/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher });
      await res.body.dump();
      if (i >= warmup) {
        wall[v]!.push(performance.now() - started);
        cpu[v]!.push(ownCpuMs() - startedCpu);
      }
    }
  }
  await dispatcher.close();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  return { wall: wall.map(median), cpu: cpu.map(median) };
}

export default async () => {
  const build = await ensureDashboardBuilt();
  const cost = await mountCost(build.dir);
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  const body = [
    '<a id="dashboard-bundle"></a>What a browser downloads for /dashboard (the Vite build; React, React DOM and Recharts are most of it):',
    '',
    table(['file', 'raw', 'gzip'], bundleRows(build.dir)),
    '',
    `POST /v1/events on a bare Express app, ${REQUESTS} sequential requests per variant, interleaved (medians):`,
    '',
    table(
      ['variant', 'wall per request', 'CPU per request'],
      [
        ['(a) without the dashboard (baseline)', us(cost.wall[0]!), us(cost.cpu[0]!)],
        ['(b) dashboard mounted at /dashboard', us(cost.wall[1]!), us(cost.cpu[1]!)],
        ['**ratio (b) / (a)**', `**${(cost.wall[1]! / cost.wall[0]!).toFixed(2)}**`, `**${(cost.cpu[1]! / cost.cpu[0]!).toFixed(2)}**`],
      ],
    ),
  ].join('\n');
  const method = [
    'A /v1 request passes the mount with one path-prefix check; the bundle folder is looked up on the first',
    '/dashboard request, never at start or per API request.',
  ].join('\n');
  return { title: 'Dashboard: bundle size and the cost of mounting it', body, method };
};

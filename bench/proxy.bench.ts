// Proxy overhead benchmark: HTTP requests/s and added latency through our fault proxy (no toxics)
// against a direct connection and a plain `net` pipe, plus bulk MB/s, all in one run. The proxies run
// in a child process (as `aftershock proxy` would), so the proxy and the load share no event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { table } from './record.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = 5;
const concurrency = 16;

/** Child mode: run our server and plain pipes to the given upstreams, print their addresses. */
async function child(upstreams: string[]): Promise<void> {
  const { startToxiproxyServer } = await import('../chaos/src/proxy/server.js');
  const server = await startToxiproxyServer({ port: 0, seed: 1 });
  const pipes = await Promise.all(upstreams.map((u) => plainPipe(u)));
  console.log(JSON.stringify({ api: server.url, pipes }));
  // The parent asks for this process's CPU time around each measurement: CPU per request is a far
  // steadier comparison than wall-clock throughput on a shared machine.
  createInterface({ input: process.stdin }).on('line', () => {
    const { user, system } = process.cpuUsage();
    console.log(JSON.stringify({ cpuMicros: user + system }));
  });
}

/** The baseline: the simplest correct TCP proxy Node can do. */
async function plainPipe(upstream: string): Promise<string> {
  const [host, port] = split(upstream);
  const server = net.createServer((client) => {
    const up = net.connect(port, host);
    client.setNoDelay(true);
    up.setNoDelay(true);
    client.pipe(up).pipe(client);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const split = (address: string): [string, number] => {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
};

async function listenLocal(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** Closed-loop keep-alive HTTP GETs for `ms`; requests/s and the sorted latencies (ms). */
async function httpLoad(address: string, workers: number, ms: number): Promise<{ rps: number; latencies: number[] }> {
  const pool = new Pool(`http://${address}`, { connections: workers, pipelining: 1 });
  const latencies: number[] = [];
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      const response = await pool.request({ path: '/', method: 'GET' });
      await response.body.dump();
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = performance.now() - started;
  await pool.close();
  return { rps: (latencies.length / elapsed) * 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** Pushes bytes as fast as backpressure allows for `ms` into a counting sink; MB/s received. */
async function bulk(address: string, sink: { bytes: number }, ms: number): Promise<number> {
  const [host, port] = split(address);
  const socket = net.connect(port, host);
  await new Promise((resolve) => socket.once('connect', resolve));
  const block = Buffer.alloc(64 * 1024, 7);
  const before = sink.bytes;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (performance.now() - started < ms) if (!socket.write(block)) return void socket.once('drain', pump);
      resolve();
    };
    pump();
  });
  const elapsed = performance.now() - started;
  socket.destroy();
  return (sink.bytes - before) / 1e6 / (elapsed / 1000);
}

interface ProxyChild {
  process: ChildProcess;
  api: string;
  pipes: string[];
  /** The child's CPU time so far (user + system, µs). */
  cpu(): Promise<number>;
}

function startChild(upstreams: string[]): Promise<ProxyChild> {
  const file = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--import', 'tsx', file, '--proxy-bench-child', ...upstreams], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const cpu = async () => {
    const answer = nextLine();
    proc.stdin!.write('cpu\n');
    return (JSON.parse(await answer) as { cpuMicros: number }).cpuMicros;
  };
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`proxy child exited with ${code}`)));
    void nextLine().then((line) => resolve({ process: proc, cpu, ...(JSON.parse(line) as { api: string; pipes: string[] }) }));
  });
}

async function createProxy(api: string, name: string, upstream: string): Promise<string> {
  const response = await fetch(`${api}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream }) });
  return ((await response.json()) as { listen: string }).listen;
}

export default async function proxyBench() {
  const web = http.createServer((_, res) => res.end('ok'));
  web.keepAliveTimeout = 60_000;
  const sink = { bytes: 0 };
  const sinkServer = net.createServer((s) => s.on('data', (d: Buffer) => (sink.bytes += d.length)).on('error', () => {}));
  const [webAddress, sinkAddress] = [await listenLocal(web), await listenLocal(sinkServer)];
  const child = await startChild([webAddress, sinkAddress]);
  try {
    const targets = {
      direct: { web: webAddress, sink: sinkAddress },
      'plain net pipe': { web: child.pipes[0]!, sink: child.pipes[1]! },
      'aftershock proxy': {
        web: await createProxy(child.api, 'web', webAddress),
        sink: await createProxy(child.api, 'sink', sinkAddress),
      },
    };
    const names = Object.keys(targets) as (keyof typeof targets)[];
    type Sample = { rps: number; p50: number; p99: number; c1p50: number; c1p99: number; mbps: number; cpuPerReq: number };
    const samples = Object.fromEntries(names.map((n) => [n, [] as Sample[]])) as Record<string, Sample[]>;
    for (const name of names) await httpLoad(targets[name].web, concurrency, 500); // warm-up
    // Short interleaved rounds in rotating order, summarised by medians: the machine is shared and
    // noisy, and pairing the paths within a round cancels slow drifts in background load.
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length]!;
        const cpuBefore = await child.cpu();
        const loaded = await httpLoad(targets[name].web, concurrency, seconds * 1000);
        const cpuPerReq = (await child.cpu()) - cpuBefore;
        const single = await httpLoad(targets[name].web, 1, (seconds * 1000) / 2);
        samples[name]!.push({
          rps: loaded.rps,
          p50: percentile(loaded.latencies, 0.5),
          p99: percentile(loaded.latencies, 0.99),
          c1p50: percentile(single.latencies, 0.5),
          c1p99: percentile(single.latencies, 0.99),
          mbps: await bulk(targets[name].sink, sink, (seconds * 1000) / 2),
          cpuPerReq: cpuPerReq / ((loaded.rps * seconds) || 1),
        });
      }
    }
    const median = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 0.5);
    const summary = (name: string): Sample => {
      const list = samples[name]!;
      const pick = (key: keyof Sample) => median(list.map((x) => x[key]));
      return {
        rps: pick('rps'),
        p50: pick('p50'),
        p99: pick('p99'),
        c1p50: pick('c1p50'),
        c1p99: pick('c1p99'),
        mbps: pick('mbps'),
        cpuPerReq: pick('cpuPerReq'),
      };
    };
    const results = Object.fromEntries(names.map((n) => [n, summary(n)])) as Record<string, Sample>;
    /** Median over rounds of a per-round comparison between two paths. */
    const paired = (a: string, b: string, f: (x: Sample, y: Sample) => number): number =>
      median(samples[a]!.map((x, i) => f(x, samples[b]![i]!)));
    const f = (n: number, d = 0) => n.toFixed(d);
    const rows = names.map((name) => {
      const r = results[name]!;
      return [name, f(r.rps), f(r.p50, 3), f(r.p99, 3), f(r.c1p50, 3), f(r.c1p99, 3), f(r.mbps), f(r.cpuPerReq, 1)];
    });
    const ratio = (key: keyof Sample, other: string) => paired('aftershock proxy', other, (x, y) => x[key] / y[key]);
    const added = (key: keyof Sample, other: string) => paired('aftershock proxy', other, (x, y) => x[key] - y[key]);
    const body = [
      table(['path', `req/s (${concurrency} conns)`, 'p50 ms', 'p99 ms', 'p50 ms (1 conn)', 'p99 ms (1 conn)', 'bulk MB/s', 'proxy CPU µs/req'], rows),
      '',
      table(
        ['ratio / added', 'result'],
        [
          ['req/s proxy / direct', f(ratio('rps', 'direct'), 2)],
          ['added p99, 1 conn (proxy − direct)', `${f(added('c1p99', 'direct'), 3)} ms`],
          ['added p50, 1 conn (proxy − plain pipe)', `${f(added('c1p50', 'plain net pipe'), 3)} ms`],
          ['bulk MB/s proxy / plain pipe', f(ratio('mbps', 'plain net pipe'), 2)],
        ],
      ),
      '',
      `${rounds} rounds of ${seconds} s; load average at the end of the run: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores.`,
    ].join('\n');
    const method = [
      'Keep-alive HTTP GETs (undici Pool) to a node:http server answering "ok": a closed loop of BENCH_SECONDS with',
      'many connections, then half as long with one connection for added latency; bulk is one TCP stream of 64 KiB',
      'writes into a counting sink. Both proxies run in one child process with no toxics; "proxy CPU µs/req" is that',
      'child\'s CPU time during the many-connection run divided by its requests (≈0 for direct, which bypasses the',
      'child). Rounds are interleaved in rotating order; the first table shows medians, ratios and differences are',
      'medians of per-round pairs.',
    ].join('\n');
    const goals = [
      { name: 'req/s proxy / plain pipe', value: ratio('rps', 'plain net pipe'), op: '>=' as const, target: 0.9 },
      { name: 'added p50, 1 conn (proxy − direct)', value: added('c1p50', 'direct'), op: '<=' as const, target: 0.1, unit: 'ms' },
      { name: 'proxy CPU per request / plain pipe', value: ratio('cpuPerReq', 'plain net pipe'), op: '<=' as const, target: 1.1 },
    ];
    return { title: 'Fault proxy overhead: aftershock proxy vs plain net pipe vs direct', body, method, goals };
  } finally {
    child.process.removeAllListeners('exit');
    child.process.kill();
    web.closeAllConnections();
    web.close();
    sinkServer.close();
  }
}

if (process.argv.includes('--proxy-bench-child')) {
  await child(process.argv.slice(process.argv.indexOf('--proxy-bench-child') + 1));
}

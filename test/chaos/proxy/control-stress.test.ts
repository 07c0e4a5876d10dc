// Bounded stress of the control API: several clients at once enable, disable, move, delete, populate
// and reset proxies on a standalone `aftershock proxy`, with listen hosts that need a name lookup.
// Afterwards the ports that accept connections are exactly the enabled proxies', a deleted proxy
// refuses connections, and the process exits on SIGTERM within a second. STRESS_SEED replays the
// clients' choices (the interleaving itself is left to the machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createRandom, type Random } from '../../../chaos/src/proxy/random.js';
import { waitFor } from '../../support/wait-for.js';
import { connect, connectOutcome, echoServer, listeningPorts, splitAddress, type TestServer } from './support/sockets.js';

const seed = process.env.STRESS_SEED !== undefined ? Number(process.env.STRESS_SEED) : Date.now() % 2 ** 31;
const clients = 6;
const callsPerClient = 40;
const budgetMs = 4000;
const names = ['alpha', 'beta', 'gamma', 'delta'];
// "127.1" and "127.0.1" go through getaddrinfo (they are not IP literals to Node) yet stay on loopback.
const hosts = ['127.1', '127.0.1', '127.0.0.1'];

let child: ChildProcess | undefined;
let upstream: TestServer | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await upstream?.close();
});

/** Starts `aftershock proxy` on a free port; resolves to its API URL. */
async function startCli(): Promise<{ url: string; output: () => string }> {
  const root = resolve(import.meta.dirname, '../../..');
  child = spawn(process.execPath, ['--import', 'tsx', 'bin/aftershock.ts', 'proxy', '--port', '0', '--seed', '7'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], { timeoutMs: 20_000, message: 'proxy start' });
  return { url, output: () => out };
}

/** One client's next call, drawn from its own seeded stream. */
function nextCall(rng: Random, target: string): { method: string; path: string; body?: unknown } {
  const name = names[rng.int(names.length)] ?? 'alpha';
  const listen = `${hosts[rng.int(hosts.length)]}:0`;
  const calls = [
    () => ({ method: 'POST', path: '/proxies', body: { name, listen, upstream: target, enabled: rng.next() < 0.7 } }),
    () => ({ method: 'PATCH', path: `/proxies/${name}`, body: { enabled: true } }),
    () => ({ method: 'PATCH', path: `/proxies/${name}`, body: { enabled: false } }),
    () => ({ method: 'PATCH', path: `/proxies/${name}`, body: { listen } }),
    () => ({ method: 'DELETE', path: `/proxies/${name}` }),
    () => ({ method: 'POST', path: '/populate', body: [{ name, listen, upstream: target }] }),
    () => ({ method: 'POST', path: `/proxies/${name}/toxics`, body: { type: 'latency', attributes: { latency: 1 } } }),
    () => ({ method: 'POST', path: '/reset' }),
  ];
  return (calls[rng.int(calls.length)] ?? calls[0]!)();
}

it('keeps bound ports equal to enabled proxies under concurrent control calls, and exits on SIGTERM', async () => {
  console.log(`[stress] proxy control: seed=${seed} (replay: STRESS_SEED=${seed} npx vitest run test/chaos/proxy/control-stress.test.ts)`);
  upstream = await echoServer();
  const target = upstream.address;
  const { url, output } = await startCli();
  const seenListens = new Set<string>();
  const statuses: Record<number, number> = {};
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    const text = await response.text();
    const json = text.startsWith('{') || text.startsWith('[') ? (JSON.parse(text) as unknown) : undefined;
    for (const proxy of JSON.stringify(json ?? null).matchAll(/"listen":"([^"]+)"/g)) seenListens.add(proxy[1] ?? '');
    return json;
  };
  const deadline = Date.now() + budgetMs;
  const rng = createRandom(seed);
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const own = rng.derive('client', client);
      for (let i = 0; i < callsPerClient && Date.now() < deadline; i++) {
        const next = nextCall(own, target);
        // Now and then a burst of simultaneous enables of one proxy, the case that used to orphan listeners.
        const burst = own.next() < 0.1 ? 6 : 1;
        await Promise.all(Array.from({ length: burst }, () => call(next.method, next.path, next.body)));
      }
    }),
  );
  console.log(`[stress] answers by status: ${JSON.stringify(statuses)}`);
  expect(statuses[500] ?? 0, `statuses ${JSON.stringify(statuses)}`).toBe(0);

  const proxies = (await call('GET', '/proxies')) as Record<string, { listen: string; enabled: boolean }>;
  const enabled = Object.values(proxies).filter((p) => p.enabled).map((p) => p.listen).sort();
  // Where /proc tells which ports the proxy's process holds, that is the whole answer (orphaned
  // listeners included). Elsewhere, every address seen is tried: a port another process took after
  // the proxy let it go could then be mistaken for an orphan.
  const ownPorts = await listeningPorts(child!.pid!);
  if (ownPorts) {
    const apiPort = Number(new URL(url).port);
    const proxyPorts = [...ownPorts].filter((port) => port !== apiPort).sort((a, b) => a - b);
    expect(proxyPorts, `seed ${seed}`).toEqual(enabled.map((listen) => splitAddress(listen)[1]).sort((a, b) => a - b));
  } else {
    const accepting: string[] = [];
    for (const listen of new Set([...seenListens, ...enabled])) {
      if (!listen.endsWith(':0') && (await connectOutcome(listen)) === 'connected') accepting.push(listen);
    }
    expect(accepting.sort(), `seed ${seed}`).toEqual(enabled);
  }

  // A deleted proxy refuses connections.
  await call('POST', '/proxies', { name: 'doomed', listen: '127.1:0', upstream: target });
  const doomed = ((await call('GET', '/proxies/doomed')) as { listen: string }).listen;
  expect(await connectOutcome(doomed)).toBe('connected');
  await call('DELETE', '/proxies/doomed');
  expect(await connectOutcome(doomed)).toBe('ECONNREFUSED');

  // SIGTERM with a connection held open by a toxic and lifecycle calls in flight: out within a second.
  await call('POST', '/proxies', { name: 'held', listen: '127.1:0', upstream: target });
  await call('POST', '/proxies/held/toxics', { type: 'latency', attributes: { latency: 60_000 } });
  const held = await connect(((await call('GET', '/proxies/held')) as { listen: string }).listen);
  held.socket.on('error', () => {});
  held.socket.write('waiting');
  const inFlight = names.map((name) => call('PATCH', `/proxies/${name}`, { enabled: true }).catch(() => undefined));
  const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
  child?.kill('SIGTERM');
  await waitFor(() => child?.exitCode !== null, { timeoutMs: 1000, intervalMs: 10, message: `exit after SIGTERM (${output()})` });
  expect(await exited).toBe(0);
  await Promise.all(inFlight);
  for (const listen of enabled) expect(await connectOutcome(listen)).toBe('ECONNREFUSED');
});

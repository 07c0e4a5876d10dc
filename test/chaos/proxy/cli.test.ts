// The standalone CLI: starts the API, loads a populate config file, and reports usage errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterEach, expect, it } from 'vitest';
import { runProxyCli } from '../../../chaos/src/proxy/cli.js';
import { connectOutcome, echoServer, type TestServer } from './support/sockets.js';

let echo: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await echo?.close();
  // Leave nothing behind in the temp folder.
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

it('loads a populate config file at start and serves it through the API', async () => {
  echo = await echoServer();
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-proxy-'));
  dirs.push(dir);
  const config = join(dir, 'proxies.json');
  await writeFile(
    config,
    JSON.stringify([
      { name: 'dynamodb', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'receiver', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]),
  );
  const lines: string[] = [];
  let seen: Record<string, { enabled: boolean; listen: string }> = {};
  let reachable = '';
  const code = await runProxyCli(['--host', '127.0.0.1', '--port', '0', '--config', config, '--seed', '9'], {
    log: (line) => lines.push(line),
    stopped: async (server) => {
      const all = await new Toxiproxy(server.url).getAll();
      seen = Object.fromEntries(Object.entries(all).map(([name, p]) => [name, { enabled: p.enabled, listen: p.listen }]));
      reachable = await connectOutcome(all.dynamodb?.listen ?? '');
    },
  });
  expect(code).toBe(0);
  expect(Object.keys(seen).sort()).toEqual(['dynamodb', 'receiver']);
  expect(seen.receiver?.enabled).toBe(false);
  expect(reachable).toBe('connected');
  expect(lines.join('\n')).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(seed 9\)/);
  expect(lines.join('\n')).toMatch(/populated 2 proxies/);
});

it('accepts upstream toxiproxy-server single-dash flags', async () => {
  let url = '';
  const code = await runProxyCli(['-host', '127.0.0.1', '-port', '0'], {
    log: () => {},
    stopped: async (server) => {
      url = server.url;
    },
  });
  expect(code).toBe(0);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

it('exits with 2 and one line naming the problem on a bad flag', async () => {
  const lines: string[] = [];
  const errors: string[] = [];
  const io = { log: (l: string) => lines.push(l), error: (l: string) => errors.push(l) };
  expect(await runProxyCli(['--colour', 'red'], io)).toBe(2);
  expect(await runProxyCli(['--port', 'many'], io)).toBe(2);
  expect(lines).toEqual([]);
  expect(errors).toEqual([expect.stringMatching(/^aftershock proxy: Unknown option '--colour'.*\(see aftershock proxy --help\)$/), 'aftershock proxy: --port must be 0–65535 and --seed an integer (see aftershock proxy --help)']);
});

it('names the address it could not listen on, with exit code 1', async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as AddressInfo).port;
  const errors: string[] = [];
  try {
    expect(await runProxyCli(['--port', String(port)], { log: () => {}, error: (l) => errors.push(l) })).toBe(1);
  } finally {
    taken.close();
  }
  expect(errors).toEqual([expect.stringMatching(new RegExp(`^aftershock proxy: cannot start the API on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*\\(choose another --port\\)$`))]);
});

// `aftershock init`: the starter scenario for each target and adapter passes `aftershock validate` as
// written, and the http one, unedited, runs and passes against a service with the API its comments
// assume; bad options and an existing file exit 2 with one line.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initCli } from '../../../scenarios/cli/init-cli.js';
import { validateCli } from '../../../scenarios/cli/validate-cli.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { loadScenarioFile } from '../../../scenarios/scenario/load-scenario.js';
import { jsonServer } from '../../support/json-server.js';
import { textSink } from '../../support/text-sink.js';
import { unusedPort } from '../../support/unused-port.js';

async function init(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = textSink();
  const err = textSink();
  const code = await initCli(args, { out: out.stream, err: err.stream });
  return { code, out: out.text(), err: err.text() };
}

async function validate(file: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const out = textSink();
  const code = await validateCli([file], { out: out.stream, err: out.stream }, env);
  return { code, out: out.text() };
}

/**
 * A service with the API the http starter's comments assume: POST /events answers `{ id }`, GET
 * /events/:id, POST /webhooks `{ url }`; it delivers `{ event_id }` with a `webhook-id` header and
 * retries every 200 ms (20 attempts at most) until the receiver answers 2xx. `twice`: every delivery
 * is sent twice at once, under one webhook-id (a double delivery).
 */
async function conventionalService(opts: { twice?: boolean } = {}): Promise<{ url: string; server: Server }> {
  const events = new Map<string, unknown>();
  const hooks: string[] = [];
  const deliver = (hook: string, id: string, attempt = 1): void => {
    fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': `msg_${id}` }, body: JSON.stringify({ event_id: id }) })
      .then((res) => res.ok)
      .catch(() => false)
      .then((ok) => {
        if (!ok && attempt < 20) setTimeout(() => deliver(hook, id, attempt + 1), 200).unref();
      });
  };
  const server = jsonServer((req, body, send) => {
    if (req.method === 'POST' && req.url === '/events') {
      const id = randomUUID();
      events.set(id, JSON.parse(body));
      for (const hook of hooks) for (let copy = opts.twice ? 2 : 1; copy > 0; copy--) deliver(hook, id);
      return send(201, { id });
    }
    const read = /^\/events\/([^/]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && read) return events.has(read[1]!) ? send(200, events.get(read[1]!)) : send(404, {});
    if (req.method === 'POST' && req.url === '/webhooks') {
      hooks.push((JSON.parse(body) as { url: string }).url);
      return send(201, { id: `wh_${hooks.length}` });
    }
    send(req.url === '/' ? 200 : 404, {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * The same API as a program the command target starts (`node service.mjs PORT STATE`): everything it
 * accepts, and every delivery it still owes, is on disk before it answers, so kill -9 loses nothing.
 */
const PERSISTENT_SERVICE = `
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
const [port, file] = process.argv.slice(2);
const state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { events: {}, hooks: [], owed: [] };
const save = () => { writeFileSync(file + '.tmp', JSON.stringify(state)); renameSync(file + '.tmp', file); };
const sending = new Set();
setInterval(() => {
  for (const item of state.owed) {
    if (sending.has(item.id)) continue;
    sending.add(item.id);
    fetch(item.hook, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': item.id }, body: JSON.stringify({ event_id: item.event }) })
      .then((res) => res.ok, () => false)
      .then((ok) => { if (ok) { state.owed = state.owed.filter((o) => o !== item); save(); } setTimeout(() => sending.delete(item.id), ok ? 0 : 200); });
  }
}, 50);
createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const send = (status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'POST' && req.url === '/events') {
      const id = randomUUID();
      state.events[id] = JSON.parse(body);
      for (const hook of state.hooks) state.owed.push({ id: 'msg_' + id, event: id, hook });
      save();
      return send(201, { id });
    }
    const read = /^\\/events\\/([^/]+)$/.exec(req.url);
    if (req.method === 'GET' && read) return state.events[read[1]] ? send(200, state.events[read[1]]) : send(404, {});
    if (req.method === 'POST' && req.url === '/webhooks') {
      state.hooks.push(JSON.parse(body).url);
      save();
      return send(201, { id: 'wh_' + state.hooks.length });
    }
    send(req.url === '/' || req.url === '/health' ? 200 : 404, {});
  });
}).listen(Number(port), '127.0.0.1');
`;

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe('aftershock init', () => {
  it('writes a starter for each target and adapter that aftershock validate accepts as written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-init-'));
    const cases: [string, string[], Record<string, string>][] = [
      ['embedded.yaml', [], {}],
      ['url-http.yaml', ['--base-url', 'http://127.0.0.1:3000'], {}],
      ['command-http.yaml', ['--run', 'node server.js', '--ready-url', 'http://127.0.0.1:3000/health'], {}],
      ['url-triggers.yaml', ['--base-url', 'http://127.0.0.1:8080', '--adapter', 'triggers-api'], { AFTERSHOCK_ADMIN_TOKEN: 'adm_x' }],
    ];
    const plans: Record<string, string> = {};
    for (const [name, args, env] of cases) {
      const file = join(dir, name);
      const written = await init([file, ...args]);
      expect(written.code, written.err).toBe(0);
      expect(written.out).toMatch(new RegExp(`^wrote ${file} \\(`));
      expect(written.out).toContain(`validate ${file}`);
      const checked = await validate(file, env);
      expect(checked.code, checked.out).toBe(0);
      plans[name] = checked.out;
    }
    // An admin token is named only where something reads it: the triggers-api adapter (or a chaos step).
    expect(await readFile(join(dir, 'url-http.yaml'), 'utf8')).not.toMatch(/admin_token|ADMIN_TOKEN/);
    expect(plans['url-http.yaml']).not.toMatch(/admin token/);
    expect(plans['url-triggers.yaml']).toMatch(/admin token from \$AFTERSHOCK_ADMIN_TOKEN/);
    // The command target's starter kills the service mid-load; the schema is found from the file.
    expect(await readFile(join(dir, 'command-http.yaml'), 'utf8')).toMatch(/action: \{ kill: server, signal: SIGKILL, restart_after: 1s \}/);
    expect(await readFile(join(dir, 'embedded.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\S*scenario\.schema\.json\n/);
  });

  it('runs, unedited, against a service with the API its comments assume, and passes', async () => {
    const service = await conventionalService();
    servers.push(service.server);
    const file = join(await mkdtemp(join(tmpdir(), 'aftershock-init-')), 'starter.yaml');
    expect((await init([file, '--base-url', service.url])).code).toBe(0);
    const { scenario } = await loadScenarioFile(file);
    const journal = await runScenario(scenario, { out: join(file, '..', 'out'), seed: 11 });
    expect(journal.errors).toEqual([]);
    expect(journal.gates.filter((g) => !g.passed)).toEqual([]);
    expect(journal.status).toBe('completed');
    // The receiver outage did bite: deliveries were retried through it.
    expect(journal.checkers.find((c) => c.name === 'same_id_on_retry')?.counts.retried_pairs).toBeGreaterThan(0);
  }, 60_000);

  it("catches, unedited, a service that sends each delivery twice at once: the slow receiver's window shows the overlap", async () => {
    const service = await conventionalService({ twice: true });
    servers.push(service.server);
    const file = join(await mkdtemp(join(tmpdir(), 'aftershock-init-')), 'starter.yaml');
    expect((await init([file, '--base-url', service.url])).code).toBe(0);
    const { scenario } = await loadScenarioFile(file);
    const journal = await runScenario(scenario, { out: join(file, '..', 'out'), seed: 12 });
    expect(journal.status).toBe('failed');
    expect(journal.gates.filter((g) => !g.passed).map((g) => g.name)).toEqual(['no_concurrent_double_delivery']);
    expect(journal.checkers.find((c) => c.name === 'no_concurrent_double_delivery')?.counts.concurrent).toBeGreaterThan(0);
  }, 60_000);

  it('runs the command starter, unedited, against a service that keeps what it accepted on disk: killed -9 and restarted, it passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-init-'));
    await writeFile(join(dir, 'service.mjs'), PERSISTENT_SERVICE);
    const port = await unusedPort();
    const file = join(dir, 'starter.yaml');
    const run = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(dir, 'service.mjs'))} ${port} ${JSON.stringify(join(dir, 'state.json'))}`;
    expect((await init([file, '--run', run, '--ready-url', `http://127.0.0.1:${port}/health`])).code).toBe(0);
    const { scenario } = await loadScenarioFile(file);
    const journal = await runScenario(scenario, { out: join(dir, 'out'), seed: 13 });
    expect(journal.errors).toEqual([]);
    expect(journal.gates.filter((g) => !g.passed)).toEqual([]);
    expect(journal.status).toBe('completed');
    // The kill did bite: creates in flight when it came got no answer.
    expect(journal.checkers.find((c) => c.name === 'no_lost_events')?.counts.info).toBeGreaterThan(0);
  }, 90_000);

  it('exits 2 with one line for options it cannot write a scenario from, and never overwrites without --force', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-init-'));
    const file = join(dir, 'taken.yaml');
    await writeFile(file, 'mine');
    expect(await init([file])).toEqual({ code: 2, out: '', err: `aftershock init: ${file} exists: name another file, or overwrite it with --force\n` });
    expect(await readFile(file, 'utf8')).toBe('mine');
    expect((await init([file, '--force'])).code).toBe(0);
    const refusals: [string[], string][] = [
      [['--target', 'url'], '--target url needs --base-url URL, where your service answers'],
      [['--run', 'node s.js'], '--target command needs --run CMD and --ready-url URL (answers 2xx once the service is ready)'],
      [['--base-url', 'localhost:3000'], '--base-url "localhost:3000" is not an http(s) URL, e.g. http://127.0.0.1:3000'],
      [['--adapter', 'http'], 'the embedded target is the Triggers API: use --adapter triggers-api, or point --target at your service'],
      [['--target', 'cloud'], '--target cloud: use embedded, url or command'],
    ];
    for (const [args, message] of refusals) {
      const other = join(dir, `${randomUUID()}.yaml`);
      expect(await init([other, ...args])).toEqual({ code: 2, out: '', err: `aftershock init: ${message}\n` });
      expect(existsSync(other)).toBe(false);
    }
  });

  it('refuses an option the target has no place for rather than dropping it, and writes --base-url into a command target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-init-'));
    const refusals: [string[], string][] = [
      [['--ready-url', 'http://127.0.0.1:3000/health'], '--target command needs --run CMD and --ready-url URL (answers 2xx once the service is ready)'],
      [['--target', 'url', '--base-url', 'http://127.0.0.1:3000', '--run', 'node s.js'], '--run is for a service the runner starts (--target command), and a url target is running already: drop it, or leave out --target url'],
      [['--target', 'embedded', '--base-url', 'http://127.0.0.1:3000'], '--base-url describes your own service, and the embedded target is the Triggers API: drop it, or leave out --target embedded'],
    ];
    for (const [args, message] of refusals) {
      const file = join(dir, `${randomUUID()}.yaml`);
      expect(await init([file, ...args])).toEqual({ code: 2, out: '', err: `aftershock init: ${message}\n` });
      expect(existsSync(file)).toBe(false);
    }
    const file = join(dir, 'api-elsewhere.yaml');
    const written = await init([file, '--run', 'node s.js', '--ready-url', 'http://127.0.0.1:3000/health', '--base-url', 'http://127.0.0.1:3001']);
    expect(written.out).toMatch(/\(http adapter, command target\)/);
    expect(await readFile(file, 'utf8')).toContain('target: { kind: command, run: "node s.js", ready_url: "http://127.0.0.1:3000/health", base_url: "http://127.0.0.1:3001", ready_timeout: 30s }');
    expect((await validate(file, {})).code).toBe(0);
  });
});

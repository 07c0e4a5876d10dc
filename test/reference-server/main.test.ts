// The `npm start` process: prints what a user needs, drains in-flight requests on SIGTERM and exits
// cleanly, and every event it acknowledged is there after a restart on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/spawn-server.js';
import { waitFor } from '../support/wait-for.js';

const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('drains in-flight requests on SIGTERM, exits 0 and loses no acknowledged event', async () => {
    // The server's own fault point holds every POST /v1/events for 500 ms after reading it, so the
    // test can see (in the chaos log) that all of them are inside the server before the signal.
    const admin = 'adm_main_test_token_0123456789';
    const server = await spawnServer({
      DATA_DIR: dataDir,
      ADMIN_TOKEN: admin,
      RATE_LIMIT_ENABLED: 'false',
      CHAOS_ENABLED: 'true',
      CHAOS_SEED: '1',
      CHAOS_RULES: JSON.stringify([{ id: 'hold', point: 'http_in', match: { route: '/v1/events' }, injector: { kind: 'latency', ms: 500 } }]),
    });
    expect(server.output()).toContain('Admin token: (from ADMIN_TOKEN)');
    const post = (i: number) =>
      request(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'drain', event_type: 'drain.test', payload: { i } }),
      }).then(async (res) => ({ status: res.statusCode, id: ((await res.body.json()) as { event_id?: string }).event_id }));
    const inFlight = Array.from({ length: 20 }, (_, i) => post(i));
    await waitFor(async () => {
      const res = await request(`${server.url}/_chaos/log?limit=100`, { headers: { authorization: `Bearer ${admin}` } });
      const { entries } = (await res.body.json()) as { entries: { rule: string }[] };
      return entries.filter((e) => e.rule === 'hold').length >= 20;
    }, { message: 'all 20 requests inside the server' });
    server.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(await server.exited).toBe(0);
    expect(results.map((r) => r.status).join(',')).toBe(Array(20).fill(201).join(','));

    const again = await spawnServer({ DATA_DIR: dataDir });
    try {
      for (const { id } of results) {
        const res = await request(`${again.url}/v1/events/${id}`, { headers: { authorization: `Bearer ${again.apiKey}` } });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  it('refuses to start with an invalid configuration and says which variable', async () => {
    await expect(spawnServer({ DATA_DIR: dataDir, PORT: 'eighty' })).rejects.toThrow(/PORT/);
  });

  it('says to change HOST, in one line, when HOST is not an address of this machine', async () => {
    await expect(spawnServer({ DATA_DIR: dataDir, HOST: '999.1.1.1', PORT: '0' })).rejects.toThrow(/cannot start: HOST=999\.1\.1\.1 is not an address of this machine \(set HOST to 127\.0\.0\.1/);
  });
});

// The `npm start` process: prints what a user needs, drains in-flight requests on SIGTERM and exits
// cleanly, and every event it acknowledged is there after a restart on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/spawn-server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('drains in-flight requests on SIGTERM, exits 0 and loses no acknowledged event', async () => {
    const server = await spawnServer({ DATA_DIR: dataDir, ADMIN_TOKEN: 'adm_main_test_token_0123456789' });
    expect(server.output()).toContain('Admin token: (from ADMIN_TOKEN)');

    const post = (i: number) =>
      fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'drain', event_type: 'drain.test', payload: { i } }),
      }).then(
        async (res) => ({ status: res.status, id: ((await res.json()) as { event_id?: string }).event_id }),
        (err: Error) => ({ status: 0, id: undefined, error: (err.cause as { code?: string } | undefined)?.code }),
      );
    const first = await post(-1);
    expect(first.status).toBe(201);
    const inFlight = Array.from({ length: 40 }, (_, i) => post(i));
    server.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(await server.exited).toBe(0);

    // Each request either completed or was refused before it was accepted; none was cut mid-way.
    for (const r of results) expect(r.status === 201 || ('error' in r && r.error === 'ECONNREFUSED')).toBe(true);
    const accepted = [first, ...results].filter((r) => r.status === 201).map((r) => r.id!);

    const again = await spawnServer({ DATA_DIR: dataDir });
    try {
      for (const id of accepted) {
        const res = await fetch(`${again.url}/v1/events/${id}`, { headers: { authorization: `Bearer ${again.apiKey}` } });
        expect(res.status).toBe(200);
      }
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  it('refuses to start with an invalid configuration and says which variable', async () => {
    await expect(spawnServer({ DATA_DIR: dataDir, PORT: 'eighty' })).rejects.toThrow(/PORT/);
  });
});

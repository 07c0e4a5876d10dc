// `aftershock receiver` as a process: it records signed webhooks, misbehaves through its control API
// (status, delay, hang, reset), lists and clears receipts, refuses bad input with a code, and exits 0
// on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../../support/wait-for.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
let child: ChildProcess;
let base: string;
let output = '';

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'bin/aftershock.ts', 'receiver', '--port', '0', '--seed', '7', '--secret', secret], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  base = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], { timeoutMs: 20_000, message: 'the receiver to listen' });
});

afterAll(() => {
  child.kill('SIGKILL');
});

let n = 0;
/** Sends one signed webhook as the Triggers API does; `tamper` changes the body after signing. */
async function deliver(opts: { tamper?: boolean } = {}): Promise<{ status: number; id: string }> {
  const id = `dlv-${++n}`;
  const body = JSON.stringify({ delivery_id: id, webhook_id: 'wh-1', data: { event_id: `ev-${n}` } });
  const signature = new Webhook(secret).sign(id, new Date(), body);
  const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature };
  const res = await fetch(`${base}/hook`, { method: 'POST', headers, body: opts.tamper ? body.replace('wh-1', 'wh-2') : body });
  await res.text();
  return { status: res.status, id };
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/_receiver${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('aftershock receiver', () => {
  it('records signed webhooks, answers faults set through the control API, and lists the receipts', async () => {
    const first = await deliver();
    expect(first.status).toBe(200);
    expect((await deliver({ tamper: true })).status).toBe(200);

    expect(await control('PUT', '/fault', { status: 503 })).toMatchObject({ status: 200, json: { fault: { status: 503 } } });
    expect((await deliver()).status).toBe(503);
    expect((await control('GET', '/fault')).json).toEqual({ fault: { status: 503 } });

    await control('PUT', '/fault', { reset: true });
    await expect(deliver()).rejects.toThrow();

    await control('PUT', '/fault', { hang: true });
    const hung = deliver().catch((err: Error) => err);
    await waitFor(async () => (await control('GET', '/receipts')).json.in_flight === 1, { message: 'the hung request to be held' });
    expect(await control('DELETE', '/fault')).toMatchObject({ status: 200, json: { fault: null } });
    expect(await hung).toBeInstanceOf(Error);
    expect((await deliver()).status).toBe(200);

    const { json } = await control('GET', '/receipts?after=0');
    const receipts = json.receipts as { seq: number; delivery_id: string; event_id: string; webhook_id: string; status: number; signature_ok: boolean; start: number; end: number }[];
    expect(receipts.map((r) => [r.status, r.signature_ok])).toEqual([
      [200, true],
      [200, false],
      [503, true],
      [0, true],
      [0, true],
      [200, true],
    ]);
    expect(receipts[0]).toMatchObject({ delivery_id: first.id, event_id: 'ev-1', webhook_id: 'wh-1' });
    expect(receipts[0]!.end).toBeGreaterThanOrEqual(receipts[0]!.start);
    expect((await control('GET', `/receipts?after=${receipts[3]!.seq}`)).json.receipts).toHaveLength(2);

    expect(await control('DELETE', '/receipts')).toMatchObject({ status: 200 });
    expect((await control('GET', '/receipts')).json).toMatchObject({ receipts: [], last: receipts.at(-1)!.seq });
  });

  it('replays the probability draws of a fault from the seed it was set with', async () => {
    const draws = async (seed: number) => {
      expect((await control('PUT', `/fault?seed=${seed}`, { status: 503, probability: 0.5 })).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await deliver()).status);
      await control('DELETE', '/fault');
      return statuses.join('');
    };
    const first = await draws(7);
    expect(first).toMatch(/503/);
    expect(first).toMatch(/200/);
    expect(await draws(7)).toBe(first);
    expect(await draws(8)).not.toBe(first);
  });

  it('refuses bad control input with a 4xx and a stable code', async () => {
    expect(await control('PUT', '/fault', {})).toMatchObject({ status: 400, json: { error: { code: 'invalid_fault' } } });
    expect(await control('PUT', '/fault', { status: 'down' })).toMatchObject({ status: 400, json: { error: { code: 'invalid_fault', message: expect.stringContaining('status') } } });
    const res = await fetch(`${base}/_receiver/fault`, { method: 'PUT', body: '{oops' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_json' } });
    expect(await control('GET', '/receipts?limit=x')).toMatchObject({ status: 400, json: { error: { code: 'invalid_query' } } });
    expect(await control('PUT', '/fault?seed=-1', { status: 503 })).toMatchObject({ status: 400, json: { error: { code: 'invalid_seed' } } });
    expect(await control('GET', '/nothing')).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect((await control('GET', '/fault')).json).toEqual({ fault: null });
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

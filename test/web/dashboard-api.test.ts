// The dashboard's own endpoints on the real server: who a credential is, the key list by tenant,
// and the scenario runs folder: admin-only, read-only, empty when absent, and closed to traversal.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signReportLink } from '../../reference-server/src/web/report-link.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../support/test-api.js';
import { writeRunsFixture } from './support/runs-fixture.js';

let api: TestApi;
let runsDir: string;
let outside: string;

beforeAll(async () => {
  runsDir = writeRunsFixture();
  // A file next to the runs folder, and a run whose report is a symlink to it: neither may be served.
  outside = join(runsDir, '..', `outside-${process.pid}.html`);
  writeFileSync(outside, '<h1>secret</h1>');
  mkdirSync(join(runsDir, 'linked'));
  symlinkSync(outside, join(runsDir, 'linked', 'report.html'));
  writeFileSync(join(runsDir, 'linked', 'journal.json'), '{not json');
  api = await startTestApi({}, { dashboard: { runsDir } });
});

afterAll(async () => {
  await api?.close();
  rmSync(runsDir, { recursive: true, force: true });
  rmSync(outside, { force: true });
});

it('tells the admin token and a key apart, with the key own id and scopes', async () => {
  const key = await api.createKey({ name: 'reader', scopes: ['analytics:read'] });
  expect((await api.call('GET', '/dashboard/api/session', { key: ADMIN_TOKEN })).body).toEqual({ kind: 'admin', chaos: true });
  const asKey = await api.call('GET', '/dashboard/api/session', { key: key.api_key });
  expect(asKey.body).toMatchObject({ kind: 'key', key_id: key.key_id, tenant_id: key.tenant_id, scopes: ['analytics:read'], chaos: false });
  const refused = await api.call('GET', '/dashboard/api/session', { key: 'tr_nope' });
  expect(refused.status).toBe(401);
  expect(refused.body.error).toMatchObject({ code: 'unauthorized', request_id: expect.any(String) });
});

it('tells the admin there is no chaos page in production, where the control API does not exist', async () => {
  const production = await startTestApi({ NODE_ENV: 'production' });
  try {
    expect((await production.call('GET', '/dashboard/api/session', { key: ADMIN_TOKEN })).body).toEqual({ kind: 'admin', chaos: false });
    expect((await production.call('GET', '/_chaos/rules', { key: ADMIN_TOKEN })).status).toBe(404);
  } finally {
    await production.close();
  }
});

it('lists every key to the admin and only its own tenant to a keys:manage key, never a secret or hash', async () => {
  const mine = await api.createKey({ name: 'mine' });
  const other = await api.createKey({ name: 'other' });
  const narrow = await api.createKey({ name: 'narrow', scopes: ['events:read'], tenant_id: mine.tenant_id });
  const all = await api.call('GET', '/dashboard/api/keys', { key: ADMIN_TOKEN });
  expect(all.body.keys.map((k: { key_id: string }) => k.key_id)).toEqual(expect.arrayContaining([mine.key_id, other.key_id, narrow.key_id]));
  const tenant = await api.call('GET', '/dashboard/api/keys', { key: mine.api_key });
  expect(tenant.body.keys.map((k: { key_id: string }) => k.key_id).sort()).toEqual([mine.key_id, narrow.key_id].sort());
  expect(JSON.stringify(all.body)).not.toMatch(/api_key|key_hash|signing_secret|tr_[A-Za-z0-9]{20}/);
  const noScope = await api.call('GET', '/dashboard/api/keys', { key: narrow.api_key });
  expect(noScope.status).toBe(403);
  expect(noScope.body.error.code).toBe('insufficient_scope');
});

it('lists runs newest first with their verdict facts, to the admin token only', async () => {
  const key = await api.createKey({ name: 'runs' });
  expect((await api.call('GET', '/dashboard/api/runs', { key: key.api_key })).status).toBe(401);
  const res = await api.call('GET', '/dashboard/api/runs', { key: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  expect(res.body.runs.map((r: { name: string }) => r.name)).toEqual(['linked', '2026-12-04T11-00-00-dynamodb-throttling', '2026-12-04T10-00-00-receiver-outage']);
  expect(res.body.runs[1]).toMatchObject({ status: 'failed', deviated: true, problems: ['step "throttle writes" never fired: its chaos rule matched no call in its window'], problem_count: 1, seed: 7, gates: { total: 2, failed: 1 }, checkers: { total: 1, failed: 0 }, has_report: false });
  expect(res.body.runs[2]).toMatchObject({ title: 'Receiver outage, then recovery', status: 'completed', has_report: true });
  expect(res.body.runs[0]).toMatchObject({ error: 'journal.json is not valid JSON', has_report: false });
});

it('serves a run report to the admin, and nothing outside the runs folder whatever the path says', async () => {
  const report = await api.call('GET', '/dashboard/api/runs/2026-12-04T10-00-00-receiver-outage/report.html', { key: ADMIN_TOKEN });
  expect(report.status).toBe(200);
  expect(report.text).toContain('Receiver outage, then recovery: passed');
  for (const path of ['linked', '..', '%2e%2e', '..%2F..%2Fetc', '.hidden', `..%2Foutside-${process.pid}.html%23`]) {
    const res = await api.call('GET', `/dashboard/api/runs/${path}/report.html`, { key: ADMIN_TOKEN });
    expect(res.status, path).toBe(404);
    expect(res.text, path).not.toContain('secret');
  }
  expect((await api.call('GET', '/dashboard/api/runs/2026-12-04T10-00-00-receiver-outage/report.html', { key: 'tr_nope' })).status).toBe(401);
});

it('opens a report through a link the admin signed, for that report only and only for a minute', async () => {
  const name = '2026-12-04T10-00-00-receiver-outage';
  const key = await api.createKey({ name: 'links' });
  expect((await api.call('POST', `/dashboard/api/runs/${name}/link`, { key: key.api_key })).status).toBe(401);
  expect((await api.call('POST', '/dashboard/api/runs/linked/link', { key: ADMIN_TOKEN })).status).toBe(404);
  const { url } = (await api.call('POST', `/dashboard/api/runs/${name}/link`, { key: ADMIN_TOKEN })).body as { url: string };
  const opened = await api.call('GET', url);
  expect(opened.status).toBe(200);
  expect(opened.text).toContain('Receiver outage, then recovery: passed');
  expect(opened.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'unsafe-inline'/);

  const query = new URL(url, api.url).searchParams;
  const expires = Number(query.get('expires'));
  const signature = query.get('signature')!;
  const forged = [
    `/dashboard/api/runs/2026-12-04T11-00-00-dynamodb-throttling/report.html?expires=${expires}&signature=${signature}`,
    `/dashboard/api/runs/${name}/report.html?expires=${expires + 60_000}&signature=${signature}`,
    `/dashboard/api/runs/${name}/report.html?expires=${expires}&signature=${'0'.repeat(64)}`,
    // Correctly signed, but it ran out a minute ago.
    `/dashboard/api/runs/${name}/report.html?${signReportLink(ADMIN_TOKEN, name, Date.now() - 120_000)}`,
  ];
  for (const path of forged) {
    const res = await api.call('GET', path);
    expect(res.status, path).toBe(401);
    expect(res.text, path).not.toContain('passed');
  }
});

it('serves the bundle with a strict content security policy and immutable hashed assets', async () => {
  const bundleDir = mkdtempSync(join(tmpdir(), 'dashboard-bundle-'));
  mkdirSync(join(bundleDir, 'assets'));
  writeFileSync(join(bundleDir, 'index.html'), '<script type="module" src="/dashboard/assets/index-abc123.js"></script>');
  writeFileSync(join(bundleDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  const served = await startTestApi({}, { dashboard: { bundleDir } });
  try {
    for (const path of ['/dashboard', '/dashboard/']) {
      const page = await served.call('GET', path);
      expect(page.status, path).toBe(200);
      expect(page.text).toContain('/dashboard/assets/index-abc123.js');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    const js = await fetch(`${served.url}/dashboard/assets/index-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await served.call('GET', '/dashboard/assets/missing.js')).status).toBe(404);
  } finally {
    await served.close();
    rmSync(bundleDir, { recursive: true, force: true });
  }
});

it('answers an empty run list without a runs folder, and says how to build without a bundle', async () => {
  const missing = join(tmpdir(), `dashboard-missing-${process.pid}`);
  const bare = await startTestApi({}, { dashboard: { runsDir: missing, bundleDir: missing } });
  try {
    expect((await bare.call('GET', '/dashboard/api/runs', { key: ADMIN_TOKEN })).body).toEqual({ runs: [] });
    const page = await bare.call('GET', '/dashboard/');
    expect(page.status).toBe(503);
    expect(page.text).toContain('npm run build:dashboard');
  } finally {
    await bare.close();
  }
});

it('serves the build of the current sources after a rebuild removed the one it served first', async () => {
  // Two builds, as `npm install` or `npm run build:dashboard` leave them while a server runs: the
  // first is removed when the second, of newer sources, is made.
  const cache = mkdtempSync(join(tmpdir(), 'dashboard-builds-'));
  const write = (id: string) => {
    mkdirSync(join(cache, id, 'assets'), { recursive: true });
    writeFileSync(join(cache, id, 'index.html'), `<!doctype html><title>${id}</title>`);
    writeFileSync(join(cache, id, 'assets', `app-${id}.js`), `/* ${id} */`);
  };
  let current = 'build-a';
  write(current);
  const served = await startTestApi({}, { dashboard: { runsDir, locateBundle: () => join(cache, current) } });
  try {
    expect((await served.call('GET', '/dashboard/')).text).toContain('<title>build-a</title>');
    rmSync(join(cache, 'build-a'), { recursive: true });
    current = 'build-b';
    write(current);
    const page = await served.call('GET', '/dashboard/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>build-b</title>');
    expect((await served.call('GET', '/dashboard/assets/app-build-b.js')).text).toBe('/* build-b */');
  } finally {
    await served.close();
    rmSync(cache, { recursive: true, force: true });
  }
});

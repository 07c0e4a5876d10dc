// The committed Grafana dashboard loads, is wired to the provisioned data source, and every panel's
// query reads a metric that the real server, worker or proxy exports (scraped from their /metrics).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startToxiproxyServer, type ToxiproxyServer } from '../../chaos/src/proxy/server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawn-worker.js';
import { sameStore, startTestApi, type TestApi } from '../support/test-api.js';
import { readCompose, root } from './compose-file.js';
import { exportedNames, metricNamesIn } from './prometheus-names.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const dashboardFile = resolve(root, 'playground/grafana/dashboards/aftershock.json');
const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as { uid: string; panels: Panel[] };
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));
/** Series Prometheus makes itself rather than scraping them. */
const PROMETHEUS_OWN = new Set(['up']);
const SECRETS_KEY = 'grafana-dashboard-test-secrets-key-0123456789';

let api: TestApi;
let worker: SpawnedWorker;
let proxy: ToxiproxyServer;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' }, { secretsKey: SECRETS_KEY, chaos: { env: { CHAOS_ENABLED: 'true', CHAOS_SEED: '1' } } });
  [worker, proxy] = await Promise.all([
    spawnWorker({ ...sameStore(api), SECRETS_KEY, HOST: '127.0.0.1' }),
    startToxiproxyServer({ port: 0, seed: 1 }),
  ]);
});
afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await Promise.all([worker?.exited, api?.close(), proxy?.close()]);
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return res.text();
}

describe('Grafana dashboard', () => {
  it('is the dashboard the compose file provisions, on the provisioned data source', () => {
    const grafana = readCompose().services.grafana!;
    const home = String(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    expect(home).toBe('/var/lib/grafana/dashboards/aftershock.json');
    const datasources = parse(readFileSync(resolve(root, 'playground/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    const uid = datasources.datasources[0]!.uid;
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((x) => x.type !== 'text')) {
      expect(p.datasource?.uid, p.title).toBe(uid);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('covers ingest, deliveries, DLQ depth, analytics lag, chaos injections and proxy bytes', () => {
    const read = new Set(queries.flatMap((q) => metricNamesIn(q.expr)));
    for (const metric of ['events_created_total', 'http_request_duration_seconds_bucket', 'webhook_deliveries_total', 'webhook_dlq_depth', 'analytics_lag_seconds', 'chaos_injections_total', 'toxiproxy_proxy_sent_bytes_total']) {
      expect(read, metric).toContain(metric);
    }
  });

  it('queries only metrics the server, the worker or the proxy really export', async () => {
    const workerMetrics = /metrics on (http:\/\/\S+\/metrics)/.exec(worker.output())?.[1];
    expect(workerMetrics, worker.output()).toBeDefined();
    const pages = await Promise.all([scrape(`${api.url}/metrics`), scrape(workerMetrics!), scrape(`${proxy.url}/metrics`)]);
    const exported = new Set(pages.flatMap((page) => [...exportedNames(page)]));
    const missing = queries.flatMap((q) => metricNamesIn(q.expr).filter((m) => !exported.has(m) && !PROMETHEUS_OWN.has(m)).map((m) => `${q.panel}: ${m}`));
    expect(missing).toEqual([]);
  });
});

describe('metricNamesIn', () => {
  it('finds the series and skips functions, labels, ranges and grouping', () => {
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le, result) (rate(webhook_attempt_duration_seconds_bucket{route="/v1/events"}[30s])))')).toEqual([
      'webhook_attempt_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('max(analytics_lag_seconds) or max(webhook_fanout_lag_seconds)').sort()).toEqual(['analytics_lag_seconds', 'webhook_fanout_lag_seconds']);
  });
});

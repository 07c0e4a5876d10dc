// Validates the playground without a Docker engine (Compose's own parser runs in .ci/run): every env
// name against the config schemas, healthchecks, host ports, and the image recipe.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseChaosConfig } from '../../chaos/src/config/chaos-config.js';
import { loadConfig } from '../../reference-server/src/config.js';
import { readCompose, root, serviceEnv } from './compose-file.js';

const compose = readCompose();
const services = Object.entries(compose.services);
/** Services built from the project's Dockerfile: their environment is the server's configuration. */
const nodeServices = services.filter(([, s]) => s.build !== undefined).map(([name]) => name);

/** Names that are not server configuration, each with who reads it. */
const NOT_SERVER_CONFIG: Record<string, string> = {
  // Read by chaos/src/config/chaos-config.ts (parseChaosConfig), checked below with real values.
  CHAOS_ENABLED: 'chaos config',
  CHAOS_SEED: 'chaos config',
  // Read by the k6 scripts and the scenario runner (load/k6/lib/env.ts names them).
  AFTERSHOCK_TARGET_URL: 'k6 scripts',
  AFTERSHOCK_ADMIN_TOKEN: 'k6 scripts and the runner (a url target\'s default admin_token_env)',
  AFTERSHOCK_RECEIVER_URL: 'k6 scripts',
  TOXIPROXY_URL: 'k6 scripts and the runner',
};
const isGrafanaSetting = (name: string) => name.startsWith('GF_'); // Grafana's own settings

describe('docker-compose.yml', () => {
  it('uses the Compose specification: no version key, the services the playground promises', () => {
    expect(compose).not.toHaveProperty('version');
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'dynamodb', 'grafana', 'k6', 'prometheus', 'receiver', 'toxiproxy', 'worker']);
    expect(compose.services.k6?.profiles).toEqual(['k6']);
  });

  it('sets only environment names the server config schema knows, with values it accepts', () => {
    for (const name of nodeServices) {
      const env = serviceEnv(compose, name);
      const serverNames = Object.keys(env).filter((k) => !(k in NOT_SERVER_CONFIG));
      const config = loadConfig(env) as Record<string, unknown>;
      // loadConfig keeps only the schema's names, so a name it dropped is not configuration.
      expect(serverNames.filter((k) => !(k in config)), `${name}: names the schema does not know`).toEqual([]);
      for (const k of serverNames) expect(String(config[k]).length, `${name}.${k}`).toBeGreaterThan(0);
      expect(() => parseChaosConfig(env), `${name}: CHAOS_* values`).not.toThrow();
    }
  });

  it('lists non-config names that someone really reads', () => {
    const chaosSource = readFileSync(resolve(root, 'chaos/src/config/chaos-config.ts'), 'utf8');
    const k6Source = readFileSync(resolve(root, 'load/k6/lib/env.ts'), 'utf8');
    for (const [name, reader] of Object.entries(NOT_SERVER_CONFIG)) {
      const source = reader === 'chaos config' ? chaosSource : k6Source;
      expect(source, `${name} (${reader})`).toContain(name);
    }
    const unexplained = services.flatMap(([s]) =>
      Object.keys(serviceEnv(compose, s)).filter((k) => !nodeServices.includes(s) && !(k in NOT_SERVER_CONFIG) && !isGrafanaSetting(k)),
    );
    expect(unexplained).toEqual([]);
  });

  it('gives every service a healthcheck or a dependency on a healthy one', () => {
    const checked = new Set(services.filter(([, s]) => s.healthcheck?.test?.length).map(([n]) => n));
    for (const [name, s] of services) {
      const healthyDeps = Object.entries(s.depends_on ?? {}).filter(([dep, d]) => d.condition === 'service_healthy' && checked.has(dep));
      expect(checked.has(name) || healthyDeps.length > 0, `${name} has neither`).toBe(true);
      for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
        if (d.condition === 'service_healthy') expect(checked.has(dep), `${name} waits for ${dep} to be healthy but ${dep} has no healthcheck`).toBe(true);
      }
    }
  });

  it('has Prometheus scrape the api, every worker and Toxiproxy where they listen', () => {
    const prometheus = parse(readFileSync(resolve(root, 'playground/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const targets = Object.fromEntries(
      prometheus.scrape_configs.map((c) => [c.job_name, c.static_configs?.[0]?.targets[0] ?? `${c.dns_sd_configs?.[0]?.names[0]}:${c.dns_sd_configs?.[0]?.port}`]),
    );
    expect(targets).toEqual({
      api: `api:${serviceEnv(compose, 'api').PORT}`,
      worker: `worker:${serviceEnv(compose, 'worker').WORKER_METRICS_PORT}`,
      toxiproxy: 'toxiproxy:8474',
    });
    expect(compose.services.toxiproxy?.command).toContain('-proxy-metrics'); // real Toxiproxy's byte counters are opt-in
  });

  it('binds every host port to 127.0.0.1 and leaves the worker free to scale', () => {
    for (const [name, s] of services) for (const port of s.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    expect(compose.services.worker?.ports ?? []).toEqual([]);
  });

  it('runs the api without workers and the workers as their own processes, all on DynamoDB with Streams', () => {
    expect(compose.services.api?.command).toEqual(['npm', 'start']);
    expect(compose.services.worker?.command).toEqual(['npm', 'run', 'worker']);
    const api = serviceEnv(compose, 'api');
    const worker = serviceEnv(compose, 'worker');
    expect(api.WORKER_ENABLED).toBe('false');
    expect([api.ANALYTICS_FEED, worker.ANALYTICS_FEED]).toEqual(['streams', 'streams']);
    expect(api.DYNAMODB_ENDPOINT).toBe('http://toxiproxy:18000'); // through the "dynamodb" link
    expect(worker.SECRETS_KEY).toBe(api.SECRETS_KEY); // the worker decrypts the api's signing secrets
    expect(compose.services.dynamodb?.image).toMatch(/^amazon\/dynamodb-local:/);
    expect(compose.services.toxiproxy?.image).toMatch(/^ghcr\.io\/shopify\/toxiproxy:/);
  });

  it('has the workers follow the api\'s wake stream, at the port the api listens on', () => {
    const api = serviceEnv(compose, 'api');
    expect(serviceEnv(compose, 'worker').WORKER_WAKE_URL).toBe(`http://api:${api.PORT}`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');

  it('builds in stages, installs production dependencies only and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  it('keeps dependencies and local state out of the build context', () => {
    const ignored = readFileSync(resolve(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const path of ['node_modules', '.git', '.data']) expect(ignored).toContain(path);
    // The files the image runs are not ignored.
    const tracked = execFileSync('git', ['ls-files', 'reference-server/src/main.ts', 'bin/aftershock.ts', 'package-lock.json'], { cwd: root, encoding: 'utf8' });
    for (const path of tracked.trim().split('\n')) expect(ignored.some((i) => i !== '' && path.startsWith(i))).toBe(false);
  });
});

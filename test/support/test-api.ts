// Starts the real Triggers API for a test file: in-memory dynalite in a child process, a real
// loopback socket, and small helpers to create keys and call the API.
import { loadConfig } from '../../reference-server/src/config.js';
import type { Clock } from '../../reference-server/src/domain/clock.js';
import { startTriggersApi, type StartOptions, type TriggersApi } from '../../reference-server/src/triggers-api.js';

export const ADMIN_TOKEN = 'adm_test_token_0123456789abcdef';
const SECRETS_KEY = 'test-secrets-key-0123456789abcdef0123456789';
/** Limits no functional suite reaches, so the limiter runs everywhere without refusing; rate-limit suites set their own. */
export const GENEROUS_TIERS = JSON.stringify(
  Object.fromEntries(['free', 'startup', 'business', 'enterprise'].map((t) => [t, { minute: 1e6, hour: 1e7, day: 1e8 }])),
);

export interface TestApi extends TriggersApi {
  /** Creates a key through the API (admin token) and returns the creation response. */
  createKey(body?: Record<string, unknown>): Promise<CreatedKey>;
  /** fetch against the server with JSON helpers. */
  call(method: string, path: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<ApiResponse>;
}

export interface CreatedKey {
  key_id: string;
  tenant_id: string;
  api_key: string;
  signing_secret: string;
  scopes: string[];
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  text: string;
}

/** Environment that puts another server on the same DynamoDB tables as `api` (a second instance). */
export function sameStore(api: TriggersApi): Record<string, string> {
  return { DYNAMODB_ENDPOINT: api.endpoint, TABLE_PREFIX: api.deps.config.TABLE_PREFIX };
}

/** Starts a server with test defaults; `env` and `opts` override them. */
export async function startTestApi(
  env: Record<string, string> = {},
  opts: Partial<StartOptions> & { clock?: Clock } = {},
): Promise<TestApi> {
  // DYNAMODB_ENDPOINT in the environment runs the suites against that DynamoDB (e.g. DynamoDB Local
  // via `npm run dynamodb-local -- --exec "npm test"`), each server on tables of its own.
  const external = process.env.DYNAMODB_ENDPOINT && !env.DYNAMODB_ENDPOINT && !opts.embeddedPath
    ? { DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT, TABLE_PREFIX: `t${Math.random().toString(36).slice(2, 10)}-` }
    : {};
  const config = loadConfig({ PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'silent', AUTH_CACHE_MS: '0', RATE_LIMIT_TIERS: GENEROUS_TIERS, ...external, ...env });
  const api = await startTriggersApi(config, { adminToken: ADMIN_TOKEN, secretsKey: SECRETS_KEY, ...opts });
  const call: TestApi['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key) headers.authorization = `Bearer ${o.key}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(api.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  // Extends the handle in place so its live getters (the workers) keep reading the running stack.
  return Object.assign(api, {
    call,
    async createKey(body: Record<string, unknown> = { name: 'test' }) {
      const res = await call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body });
      if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${res.text}`);
      return res.body as CreatedKey;
    },
  });
}

// Starts the real Triggers API for a test file: in-memory dynalite in a child process, a real
// loopback socket, and helpers to call the API: the TypeScript SDK for what a client does, and a raw
// `call` for what a client never sends (malformed bodies, missing headers, exact status codes).
import { loadConfig } from '../../reference-server/src/config.js';
import type { Clock } from '../../reference-server/src/domain/clock.js';
import { startTriggersApi, type StartOptions, type TriggersApi } from '../../reference-server/src/triggers-api.js';
import { TriggersApiClient, type CreateApiKeyInput, type TriggersApiClientOptions } from '../../sdk/typescript/src/index.js';

export const ADMIN_TOKEN = 'adm_test_token_0123456789abcdef';
const SECRETS_KEY = 'test-secrets-key-0123456789abcdef0123456789';
/** Limits no functional suite reaches, so the limiter runs everywhere without refusing; rate-limit suites set their own. */
export const GENEROUS_TIERS = JSON.stringify(
  Object.fromEntries(['free', 'startup', 'business', 'enterprise'].map((t) => [t, { minute: 1e6, hour: 1e7, day: 1e8 }])),
);

export interface TestApi extends TriggersApi {
  /** Creates a key through the API (admin token) and returns the creation response. */
  createKey(body?: Record<string, unknown>): Promise<CreatedKey>;
  /**
   * An SDK client on this server for `apiKey` (default: the admin token). It sends every call once and
   * waits as long as fetch would, unless `options` says otherwise, so a suite sees each answer the server gave.
   */
  client(apiKey?: string, options?: Partial<TriggersApiClientOptions>): TriggersApiClient;
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
  // No retries, and fetch's own 300 s header deadline instead of the SDK's 10 s: on a loaded machine a
  // suite must see the answer the server gave, as the raw `call` does.
  const client: TestApi['client'] = (apiKey = ADMIN_TOKEN, options = {}) =>
    new TriggersApiClient({ apiKey, baseUrl: api.url, retry: { maxAttempts: 1 }, timeoutMs: 300_000, ...options });
  const admin = client();
  // Extends the handle in place so its live getters (the workers) keep reading the running stack.
  return Object.assign(api, {
    call,
    client,
    async createKey(body: Record<string, unknown> = { name: 'test' }) {
      try {
        return (await admin.apiKeys.create(body as unknown as CreateApiKeyInput)) as CreatedKey;
      } catch (err) {
        throw new Error(`key creation failed: ${(err as Error).message}`, { cause: err });
      }
    },
  });
}

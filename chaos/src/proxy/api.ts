// The Toxiproxy 2.12 HTTP API over node:http: routes, status codes, JSON shapes and error bodies
// exactly as upstream's api.go answers them, plus GET /metrics. Handlers return values; one place
// writes them out. A body is read only for a matched route and method, and never past a size limit.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { apiErrors, type ApiError, type Outcome } from './api-error.js';
import { parseBody } from './json-fields.js';
import type { ProxyMetrics } from './metrics.js';
import type { ProxyCollection } from './proxy-collection.js';
import { parseProxyInput, requireProxyFields } from './proxy-input.js';
import { parseToxicCreate, parseToxicUpdate, toxicJson } from './toxic-spec.js';

/** The upstream version this API reproduces. */
export const toxiproxyVersion = '2.12.0';

/** Default for `maxBodyBytes`: 1 MiB holds a /populate of thousands of proxies. */
export const defaultMaxBodyBytes = 1024 * 1024;

/** How the API reads requests. */
export interface ApiOptions {
  /** Largest request body read, in bytes; a larger one is answered 413 and the connection closed. */
  maxBodyBytes: number;
}

/** What a handler answers: a status with JSON (or no body), an error, or raw text. */
type Reply =
  | { status: number; json?: unknown }
  | { error: ApiError; json?: Record<string, unknown> }
  | { status: number; text: string; type: string };

type Handler = (params: string[], body: string) => Promise<Reply> | Reply;

const fail = (error: ApiError): Reply => ({ error });
const fromOutcome = <T>(outcome: Outcome<T>, ok: (value: T) => Reply): Reply =>
  outcome.ok ? ok(outcome.value) : fail(outcome.error);

/** Builds the request handler for a proxy collection; see the file comment. */
export function createApiHandler(
  proxies: ProxyCollection,
  metrics: ProxyMetrics,
  options: ApiOptions = { maxBodyBytes: defaultMaxBodyBytes },
): (request: IncomingMessage, response: ServerResponse) => void {
  const routes: { pattern: RegExp; methods: Record<string, Handler> }[] = [
    { pattern: /^\/reset$/, methods: { POST: async () => fromOutcome(await proxies.reset(), () => ({ status: 204 })) } },
    {
      pattern: /^\/proxies$/,
      methods: {
        GET: () => ({ status: 200, json: Object.fromEntries(proxies.list().map((p) => [p.name, p.json()])) }),
        POST: async (_, body) => {
          const parsed = parseJsonBody(body, (value) => parseProxyInput(value));
          if (!parsed.ok) return fail(parsed.error);
          const input = requireProxyFields(parsed.value);
          if (!input.ok) return fail(input.error);
          return fromOutcome(await proxies.add(input.value), (proxy) => ({ status: 201, json: proxy.json() }));
        },
      },
    },
    { pattern: /^\/populate$/, methods: { POST: (_, body) => populate(proxies, body) } },
    {
      pattern: /^\/proxies\/([^/]+)$/,
      methods: {
        GET: ([name]) => fromOutcome(proxies.get(name ?? ''), (proxy) => ({ status: 200, json: proxy.json() })),
        POST: ([name], body) => updateProxy(proxies, name ?? '', body),
        PATCH: ([name], body) => updateProxy(proxies, name ?? '', body),
        DELETE: async ([name]) => fromOutcome(await proxies.remove(name ?? ''), () => ({ status: 204 })),
      },
    },
    {
      pattern: /^\/proxies\/([^/]+)\/toxics$/,
      methods: {
        GET: ([name]) =>
          fromOutcome(proxies.get(name ?? ''), (proxy) => ({ status: 200, json: proxy.toxics.list().map(toxicJson) })),
        POST: ([name], body) => {
          const proxy = proxies.get(name ?? '');
          if (!proxy.ok) return fail(proxy.error);
          const toxics = proxy.value.toxics;
          const spec = parseJsonBody(body, (value) => parseToxicCreate(value, (n) => toxics.get(n) !== undefined));
          if (!spec.ok) return fail(spec.error);
          toxics.add(spec.value);
          return { status: 200, json: toxicJson(spec.value) };
        },
      },
    },
    {
      pattern: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      methods: {
        GET: ([name, toxic]) => {
          const proxy = proxies.get(name ?? '');
          if (!proxy.ok) return fail(proxy.error);
          const spec = proxy.value.toxics.get(toxic ?? '');
          return spec ? { status: 200, json: toxicJson(spec) } : fail(apiErrors.toxicNotFound);
        },
        POST: ([name, toxic], body) => updateToxic(proxies, name ?? '', toxic ?? '', body),
        PATCH: ([name, toxic], body) => updateToxic(proxies, name ?? '', toxic ?? '', body),
        DELETE: ([name, toxic]) => {
          const proxy = proxies.get(name ?? '');
          if (!proxy.ok) return fail(proxy.error);
          return proxy.value.toxics.remove(toxic ?? '') ? { status: 204 } : fail(apiErrors.toxicNotFound);
        },
      },
    },
    {
      pattern: /^\/version$/,
      methods: {
        GET: () => ({ status: 200, text: `{"version": "${toxiproxyVersion}"}\n`, type: 'application/json;charset=utf-8' }),
      },
    },
    {
      pattern: /^\/metrics$/,
      methods: { GET: () => ({ status: 200, text: metrics.render(), type: 'text/plain; version=0.0.4; charset=utf-8' }) },
    },
  ];

  return (request, response) => {
    response.setHeader('X-Toxiproxy-Request-Id', randomBytes(10).toString('hex'));
    if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      writeText(response, 403, 'User agent not allowed\n', 'text/plain; charset=utf-8');
      return;
    }
    const path = decodePath(request.url ?? '/');
    const route = routes.find((r) => r.pattern.test(path));
    const handler = route?.methods[request.method ?? 'GET'];
    // Like Go's mux, an unknown route or method is answered without reading the body; the connection
    // then closes, so an unread body cannot be taken for the next request.
    if (!route || !handler) {
      response.setHeader('Connection', 'close');
      if (!route) return writeText(response, 404, '404 page not found\n', 'text/plain; charset=utf-8');
      return writeText(response, 405, '', 'text/plain; charset=utf-8');
    }
    const params = (route.pattern.exec(path) ?? []).slice(1);
    readBody(request, options.maxBodyBytes)
      .then((body) => (typeof body === 'string' ? handler(params, body) : body))
      .catch((error: unknown) => fail(apiErrors.internal(String((error as Error)?.message ?? error))))
      .then((reply) => {
        if ('error' in reply && reply.error.status === 413) response.setHeader('Connection', 'close');
        writeReply(response, reply);
      });
  };
}

/**
 * Reads the body as UTF-8, stopping as soon as it passes `limit` bytes (a Content-Length over the
 * limit is refused before reading anything): 413 `request body too large`. A body that breaks off
 * is a 400 `bad request body: …`, as Go's decoder reports a truncated stream.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<string | Reply> {
  try {
    return await getRawBody(request, { limit, encoding: 'utf8', length: request.headers['content-length'] });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) return fail(apiErrors.bodyTooLarge(limit));
    return fail(apiErrors.badRequestBody((error as Error).message));
  }
}

/** The request path with %-escapes decoded; a malformed escape is left as is (it then matches nothing). */
function decodePath(url: string): string {
  const raw = url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function parseJsonBody<T>(body: string, decode: (value: unknown) => Outcome<T>): Outcome<T> {
  const parsed = parseBody(body);
  return parsed.ok ? decode(parsed.value) : { ok: false, error: apiErrors.badRequestBody(parsed.message) };
}

async function updateProxy(proxies: ProxyCollection, name: string, body: string): Promise<Reply> {
  const found = proxies.get(name);
  if (!found.ok) return fail(found.error);
  const input = parseJsonBody(body, (value) => parseProxyInput(value));
  if (!input.ok) return fail(input.error);
  const raw = parseBody(body);
  const given = (key: string): boolean =>
    raw.ok && typeof raw.value === 'object' && raw.value !== null && Object.keys(raw.value).some((k) => k.toLowerCase() === key);
  // Omitted fields are filled from the proxy as it is when the update runs, after earlier queued changes.
  const updated = await proxies.update(name, (proxy) => ({
    listen: given('listen') ? input.value.listen : proxy.listen,
    upstream: given('upstream') ? input.value.upstream : proxy.upstream,
    enabled: input.value.enabled ?? proxy.enabled,
  }));
  return fromOutcome(updated, (proxy) => ({ status: 200, json: proxy.json() }));
}

function updateToxic(proxies: ProxyCollection, name: string, toxicName: string, body: string): Reply {
  const proxy = proxies.get(name);
  if (!proxy.ok) return fail(proxy.error);
  const current = proxy.value.toxics.get(toxicName);
  if (!current) return fail(apiErrors.toxicNotFound);
  const spec = parseJsonBody(body, (value) => parseToxicUpdate(current, value));
  if (!spec.ok) return fail(spec.error);
  proxy.value.toxics.update(spec.value);
  return { status: 200, json: toxicJson(spec.value) };
}

/** POST /populate: validate every entry first, then add or replace in order; errors carry what was made. */
async function populate(proxies: ProxyCollection, body: string): Promise<Reply> {
  // Every populate failure is answered as JSON carrying the proxies made so far; Go marshals "none" as
  // a nil slice, so a failure before any proxy was made answers `"proxies": null`.
  const invalid = (error: ApiError): Reply => ({ error, json: { proxies: null } });
  const parsed = parseBody(body);
  if (!parsed.ok) return invalid(apiErrors.badRequestBody(parsed.message));
  if (!Array.isArray(parsed.value)) {
    const kind = parsed.value === null ? 'null' : typeof parsed.value;
    return invalid(apiErrors.badRequestBody(`json: cannot unmarshal ${kind} into Go value of type []toxiproxy.Proxy`));
  }
  const inputs = [];
  const names = new Set<string>();
  for (const [i, raw] of parsed.value.entries()) {
    const input = parseProxyInput(raw);
    if (!input.ok) return invalid(input.error);
    const checked = requireProxyFields(input.value, ` at proxy ${i + 1}`);
    if (!checked.ok) return invalid(checked.error);
    if (names.has(checked.value.name)) return invalid(apiErrors.internal(`duplicate proxy name "${checked.value.name}"`));
    names.add(checked.value.name);
    inputs.push(checked.value);
  }
  const made: Record<string, unknown>[] = [];
  for (const input of inputs) {
    const outcome = await proxies.addOrReplace(input);
    if (!outcome.ok) return { error: outcome.error, json: { proxies: made.length > 0 ? made : null } };
    made.push(outcome.value.json());
  }
  return { status: 201, json: { proxies: made } };
}

function writeReply(response: ServerResponse, reply: Reply): void {
  if ('text' in reply) return writeText(response, reply.status, reply.text, reply.type);
  if ('error' in reply) {
    const body = { error: reply.error.message, status: reply.error.status, ...reply.json };
    // Populate errors are written as JSON; the others go through Go's http.Error (text/plain, newline).
    if (reply.json) return writeText(response, reply.error.status, JSON.stringify(body), 'application/json');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return writeText(response, reply.error.status, `${JSON.stringify(body)}\n`, 'text/plain; charset=utf-8');
  }
  if (reply.json === undefined) {
    response.writeHead(reply.status).end();
    return;
  }
  writeText(response, reply.status, JSON.stringify(reply.json), 'application/json');
}

function writeText(response: ServerResponse, status: number, text: string, type: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) }).end(text);
}

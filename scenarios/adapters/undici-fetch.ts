// A `fetch` for the SDK built on undici's request: the triggers-api adapter injects it so the SDK's
// calls cost what the other adapters' calls cost. Node's fetch (web streams, a Request and a Response
// per call) is several times dearer, and the runner shares its process and cores with the service it
// judges when the target is embedded: slower calls there show up as slower answers from the service.
import { request } from 'undici';

/** Statuses whose response carries no body (the Response constructor refuses one). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Sends `init` (string bodies only, as the SDK sends) and answers a complete Response: the body is
 * read before it resolves. Network failures reject with undici's error, as fetch rejects with its own.
 * @example new TriggersApiClient({ apiKey, baseUrl, fetch: undiciFetch })
 */
export const undiciFetch: typeof fetch = async (input, init = {}) => {
  const res = await request(String(input), {
    method: (init.method ?? 'GET') as 'GET',
    headers: init.headers as Record<string, string> | undefined,
    body: typeof init.body === 'string' ? init.body : undefined,
    signal: init.signal ?? undefined,
  });
  const text = await res.body.text();
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Response(NO_BODY.has(res.statusCode) ? null : text, { status: res.statusCode, headers });
};

// The dashboard's API client: the credential goes in a header, and every kind of failure becomes
// an ApiFailure the page can show (the API's code and request id, a proxy's text, no answer at all).
// Responses come from a fetch function handed to the client: no server is needed to decide these.
import { expect, it } from 'vitest';
import { ApiClient, ApiFailure, fieldErrors } from '../../../reference-server/src/web/client/api-client.js';

function answering(res: () => Response, seen: RequestInit[] = []): typeof fetch {
  return async (_input, init) => {
    seen.push(init ?? {});
    return res();
  };
}

it('sends the credential as a bearer header and a JSON body', async () => {
  const seen: RequestInit[] = [];
  const api = new ApiClient('tr_secret', answering(() => Response.json({ ok: true }, { status: 201 }), seen));
  expect(await api.post('/v1/webhooks', { url: 'https://x' })).toEqual({ ok: true });
  expect(seen[0]!.headers).toEqual({ Authorization: 'Bearer tr_secret', 'Content-Type': 'application/json' });
  expect(seen[0]!.body).toBe('{"url":"https://x"}');
});

it("turns the API's error body into its code, message and request id", async () => {
  const body = { error: { code: 'validation_error', message: 'body.url: Invalid URL', request_id: 'req_1' } };
  const api = new ApiClient('k', answering(() => Response.json(body, { status: 400, headers: { 'x-request-id': 'req_1' } })));
  const err = await api.get('/v1/webhooks').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiFailure);
  expect(err).toMatchObject({ status: 400, code: 'validation_error', message: 'body.url: Invalid URL', requestId: 'req_1' });
});

it('keeps what a non-JSON error said, and the request id header', async () => {
  const api = new ApiClient('k', answering(() => new Response('upstream down\n', { status: 502, headers: { 'x-request-id': 'req_2' } })));
  await expect(api.get('/x')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'upstream down', requestId: 'req_2' });
});

it('reports a server that did not answer as a network error', async () => {
  const api = new ApiClient('k', async () => {
    throw new TypeError('fetch failed');
  });
  await expect(api.get('/x')).rejects.toMatchObject({ status: 0, code: 'network_error', message: expect.stringContaining('fetch failed') });
});

it('downloads a file with the name the server gives it', async () => {
  const api = new ApiClient('k', answering(() => new Response('a,b\n', { headers: { 'content-disposition': 'attachment; filename="analytics-hourly-2026-11-20T05-2026-11-20T06.csv"' } })));
  const { blob, filename } = await api.blob('/v1/analytics/export?format=csv');
  expect(filename).toBe('analytics-hourly-2026-11-20T05-2026-11-20T06.csv');
  expect(await blob.text()).toBe('a,b\n');
});

it('tells its owner when the credential stops working (401), and not for other refusals', async () => {
  const unauthorized: ApiFailure[] = [];
  const status = { now: 403 };
  const body = () => Response.json({ error: { code: status.now === 401 ? 'unauthorized' : 'insufficient_scope', message: 'no' } }, { status: status.now });
  const api = new ApiClient('k', answering(body), { onUnauthorized: (f) => unauthorized.push(f) });
  await expect(api.get('/v1/webhooks')).rejects.toMatchObject({ status: 403 });
  expect(unauthorized).toEqual([]);
  status.now = 401;
  await expect(api.get('/v1/webhooks')).rejects.toMatchObject({ status: 401 });
  await expect(api.blob('/v1/analytics/export')).rejects.toMatchObject({ status: 401 });
  expect(unauthorized.map((f) => f.code)).toEqual(['unauthorized', 'unauthorized']);
});

it("keeps a validation error's details, and places each problem under its body field", async () => {
  const details = [
    { field: 'body.name', message: 'Too small' },
    { field: 'body.scopes.0', message: 'Invalid option' },
    { field: 'body.scopes', message: 'second word on scopes' },
    { field: 'body', message: 'Unrecognized key: "x"' },
    { field: 'query.limit', message: 'Too big' },
  ];
  const api = new ApiClient('k', answering(() => Response.json({ error: { code: 'validation_error', message: 'body.name: Too small', details } }, { status: 400 })));
  const failure = (await api.post('/v1/api-keys', {}).catch((e: unknown) => e)) as ApiFailure;
  expect(failure.details).toEqual(details);
  expect(fieldErrors(failure)).toEqual({ name: 'Too small', scopes: 'Invalid option' });
  expect(fieldErrors(new ApiFailure(409, 'conflict', 'no', null, details))).toEqual({});
  expect(fieldErrors(null)).toEqual({});
});

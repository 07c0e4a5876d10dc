// The clients' trimmed per-call work against a real loopback server: one SigV4 signer serves every
// call, yet expiring credentials are still fetched again and a signer that could not be built is
// built again by the next call.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withoutRepeatedWork } from '../../../reference-server/src/store/dynamo-client.js';
import { UndiciHttpHandler } from '../../../reference-server/src/store/undici-http-handler.js';

const seen: { authorization: string; userAgent: string | undefined }[] = [];
let server: Server;
let endpoint: string;
const handlers: UndiciHttpHandler[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ authorization: String(req.headers.authorization ?? ''), userAgent: req.headers['user-agent'] });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen.length = 0;
});
afterAll(async () => {
  for (const h of handlers) h.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Credentials that expire within the SDK's refresh window, so it asks for new ones at every call. */
function rotatingCredentials() {
  let asked = 0;
  return async () => {
    asked++;
    return { accessKeyId: `AKID${asked}`, secretAccessKey: `secret${asked}`, expiration: new Date(Date.now() + 60_000) };
  };
}

function client(opts: { region?: string | (() => Promise<string>) } = {}): DynamoDBClient {
  const requestHandler = new UndiciHttpHandler({ connections: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 });
  handlers.push(requestHandler);
  return withoutRepeatedWork(new DynamoDBClient({ endpoint, region: opts.region ?? 'local', credentials: rotatingCredentials(), maxAttempts: 1, requestHandler }));
}

const keyIdOf = (authorization: string) => /Credential=([^/]+)\/\d{8}\/local\/dynamodb\/aws4_request/.exec(authorization)?.[1];

describe('a client without repeated per-call work', () => {
  it('signs each call with the credentials current at that call', async () => {
    const ddb = client();
    for (let i = 0; i < 3; i++) await ddb.send(new ListTablesCommand({}));
    const asked = seen.map((s) => Number(keyIdOf(s.authorization)?.slice('AKID'.length)));
    expect(asked).toHaveLength(3);
    expect(asked[0]).toBeGreaterThan(0);
    expect(asked[1]).toBeGreaterThan(asked[0]!);
    expect(asked[2]).toBeGreaterThan(asked[1]!);
    expect(seen.every((s) => /SignedHeaders=[^,]*x-amz-date[^,]*, Signature=[0-9a-f]{64}$/.test(s.authorization))).toBe(true);
  });

  it('builds its signer again after a build that failed', async () => {
    let regionAsked = 0;
    const ddb = client({
      region: async () => {
        if (++regionAsked === 1) throw new Error('no region yet');
        return 'local';
      },
    });
    await expect(ddb.config.signer()).rejects.toThrow(/no region yet/);
    const signer = await ddb.config.signer();
    expect(await ddb.config.signer()).toBe(signer);
    await ddb.send(new ListTablesCommand({}));
    expect(keyIdOf(seen[0]!.authorization)).toMatch(/^AKID\d+$/);
  });

  it('sends no SDK user-agent string', async () => {
    await client().send(new ListTablesCommand({}));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.userAgent ?? '').not.toMatch(/aws-sdk-js/);
  });
});

// The AWS SDK v3 clients every store uses: one low-level client (where chaos middleware attaches)
// and the document client over it. Retries stay on: idle keep-alive sockets can be reset.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guardBlindResends } from './no-blind-resend.js';
import { UndiciHttpHandler } from './undici-http-handler.js';

/** Both clients, sharing one connection pool. */
export interface Dynamo {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/**
 * Builds clients for `endpoint` (dynalite, DynamoDB Local) or AWS when `endpoint` is undefined.
 * Local endpoints get dummy credentials and region `local` unless given.
 */
export function createDynamo(opts: DynamoOptions): Dynamo {
  const client = withoutRepeatedWork(new DynamoDBClient(clientConfig(opts)));
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, doc };
}

export interface DynamoOptions {
  endpoint?: string;
  region?: string;
  maxAttempts?: number;
}

/** A DynamoDB Streams client for the same endpoint, region and credentials. */
export function createStreamsClient(opts: DynamoOptions): DynamoDBStreamsClient {
  return withoutRepeatedWork(new DynamoDBStreamsClient(clientConfig(opts)));
}

/**
 * Drops two things the SDK redoes on every call that a client of one service and region needs at most
 * once (without them a PutItem costs its sender 0.75 of the CPU; docs/BENCHMARKS.md, "2026-12-06, midday"):
 * - It builds a new SigV4 signer per call from a copy of the whole client config. Every call of one of
 *   these clients signs for the same service and region, so the first signer serves them all; it keeps
 *   the client's credential provider, which still refreshes expiring credentials.
 * - Its user-agent middleware rebuilds and escapes the same user-agent string per call, and the
 *   recursion-detection one looks for a Lambda trace id in the environment. Neither header is needed
 *   by DynamoDB, dynalite or DynamoDB Local.
 */
export function withoutRepeatedWork<C extends DynamoDBClient | DynamoDBStreamsClient>(client: C): C {
  const config = client.config;
  const build = config.signer;
  let signer: ReturnType<typeof build> | undefined;
  config.signer = (authScheme) =>
    (signer ??= build(authScheme).catch((err: unknown) => {
      signer = undefined; // a build that failed (its region could not be resolved) is tried again by the next call
      throw err;
    }));
  client.middlewareStack.remove('getUserAgentMiddleware');
  client.middlewareStack.remove('recursionDetectionMiddleware');
  // Not repeated work, but per client too: calls marked with refuseBlindResends are never resent blind.
  guardBlindResends(client);
  return client;
}

// The SDK logs every call at `info` (and failed ones at `error`) by building filtered copies of the
// input and output first — even into its default no-op logger. Without those methods it skips the
// work; this code reports store errors itself.
const quietLogger = { trace: () => undefined, warn: () => undefined } as unknown as NonNullable<DynamoDBClientConfig['logger']>;

function clientConfig(opts: DynamoOptions) {
  const local = opts.endpoint !== undefined;
  return {
    logger: quietLogger,
    endpoint: opts.endpoint,
    region: opts.region ?? (local ? 'local' : undefined),
    maxAttempts: opts.maxAttempts ?? 5,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    requestHandler: new UndiciHttpHandler({ connections: 64, connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 }),
  };
}

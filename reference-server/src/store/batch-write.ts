// BatchWriteItem until every item is processed: DynamoDB may return some items as UnprocessedItems
// (throttling, or an injected partial batch), and dropping them would lose data silently.
import { BatchWriteItemCommand, type BatchWriteItemCommandInput, type BatchWriteItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem's limit on items per call. */
export const BATCH_WRITE_MAX = 25;

/** BatchWriteItem's requests by table. */
export type BatchRequests = NonNullable<BatchWriteCommandInput['RequestItems']>;

/**
 * Writes `requests` (≤ 25 items), retrying unprocessed items with backoff; throws when they persist.
 * `signal` bounds when anything may still be sent: once it aborts, no further round or SDK retry
 * goes out and the call rejects with the abort reason (writes already sent may still land).
 */
export async function batchWriteAll(doc: DynamoDBDocumentClient, requests: BatchRequests, maxRounds = 8, signal?: AbortSignal): Promise<void> {
  await untilProcessed((pending) => doc.send(new BatchWriteCommand({ RequestItems: pending }), { abortSignal: signal }), requests, maxRounds, signal);
}

/** BatchWriteItem's requests by table with every item already in DynamoDB's attribute-value form. */
export type MarshalledRequests = NonNullable<BatchWriteItemCommandInput['RequestItems']>;

/**
 * Like batchWriteAll for items marshalled by the caller, sent as the low-level command through the
 * same client (and so the same middleware, chaos fault point included). The document client walks the
 * whole input to marshal it: 5–7 % of the CPU of a 24-item call, measured side by side (docs/BENCHMARKS.md).
 */
export async function batchWriteMarshalled(doc: DynamoDBDocumentClient, requests: MarshalledRequests, maxRounds = 8): Promise<void> {
  // The document client sends any command of its service through the client it wraps.
  const send = doc.send.bind(doc) as unknown as (command: BatchWriteItemCommand) => Promise<BatchWriteItemCommandOutput>;
  await untilProcessed((pending) => send(new BatchWriteItemCommand({ RequestItems: pending })), requests, maxRounds);
}

async function untilProcessed<R extends object>(send: (pending: R) => Promise<{ UnprocessedItems?: R }>, requests: R, maxRounds: number, signal?: AbortSignal): Promise<void> {
  let pending: R | undefined = requests;
  for (let round = 0; pending && Object.keys(pending).length > 0; round++) {
    if (round >= maxRounds) {
      const err = new Error('BatchWriteItem left items unprocessed after retries');
      err.name = 'ThrottlingException';
      throw err;
    }
    if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** round)));
    signal?.throwIfAborted();
    pending = (await send(pending)).UnprocessedItems;
  }
}

/** Splits `items` into chunks of 25, the BatchWriteItem limit. */
export function chunks25<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) out.push(items.slice(i, i + BATCH_WRITE_MAX));
  return out;
}

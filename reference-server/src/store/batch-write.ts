// BatchWriteItem until every item is processed: DynamoDB may return some items as UnprocessedItems
// (throttling, or an injected partial batch), and dropping them would lose data silently.
import { BatchWriteItemCommand, type BatchWriteItemCommandInput, type BatchWriteItemCommandOutput } from '@aws-sdk/client-dynamodb';
import type { BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { refuseBlindResends } from './no-blind-resend.js';

/** BatchWriteItem's limit on items per call. */
export const BATCH_WRITE_MAX = 25;

/** BatchWriteItem's requests by table. */
export type BatchRequests = NonNullable<BatchWriteCommandInput['RequestItems']>;

/** As the document client marshals (dynamo-client.ts), so what is stored is the same either way. */
const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/** BatchWriteItem's requests by table, marshalled. */
export type MarshalledRequests = NonNullable<BatchWriteItemCommandInput['RequestItems']>;

/**
 * How a batch goes on once part of it landed (see batchWriteMarshalled). Each call is awaited before
 * the batch goes on, so what it records is on record before the next round, the throw or the return.
 */
export interface PartialWrites {
  /** Part landed and `rest` is to be retried: resolves to what to send instead (the same writes, made safe to repeat). */
  pending?(rest: MarshalledRequests): Promise<MarshalledRequests>;
  /**
   * The batch gives up with `rest` unwritten: the items handed back unprocessed, or those of the round
   * that failed. A throttled round wrote none of them; after a server fault or a timeout some may have
   * landed, and writing them again stores the same items.
   */
  unfinished(rest: MarshalledRequests): unknown;
  /** Everything landed in the end. */
  finished?(): unknown;
}

/** Makes the listener of one batch, called only once part of it landed: a batch written whole costs nothing. */
export type OnPartial = () => PartialWrites;

/**
 * Writes `requests` (≤ 25 items), retrying unprocessed items with backoff; throws when they persist.
 * `signal` bounds when anything may still be sent: once it aborts, no further round or SDK retry
 * goes out and the call rejects with the abort reason (writes already sent may still land).
 * `onPartial` hears of a batch once part of it landed, and of how it ends (see PartialWrites).
 *
 * The items are marshalled here and sent as the low-level command through the same client (the same
 * middleware, chaos fault point included): the document client's walk over the input cost 5–7 % of
 * the CPU of a 24-item call, measured side by side (docs/BENCHMARKS.md).
 */
export async function batchWriteAll(doc: DynamoDBDocumentClient, requests: BatchRequests, maxRounds = 8, signal?: AbortSignal, onPartial?: OnPartial, opts: BatchWriteOptions = {}): Promise<void> {
  await batchWriteMarshalled(doc, marshalRequests(requests), maxRounds, signal, onPartial, opts);
}

export interface BatchWriteOptions {
  /**
   * No call is sent again after an attempt that may have landed unseen (see no-blind-resend.ts): the
   * batch then rejects with OutcomeUnknownError. Items handed back unprocessed are still retried: those
   * certainly did not land.
   */
  noBlindResend?: boolean;
}

/** batchWriteAll for items already marshalled. */
export async function batchWriteMarshalled(doc: DynamoDBDocumentClient, requests: MarshalledRequests, maxRounds = 8, signal?: AbortSignal, onPartial?: OnPartial, opts: BatchWriteOptions = {}): Promise<void> {
  // The document client sends any command of its service through the client it wraps.
  const send = doc.send.bind(doc) as unknown as (command: BatchWriteItemCommand, options: { abortSignal?: AbortSignal }) => Promise<BatchWriteItemCommandOutput>;
  let pending: MarshalledRequests | undefined = requests;
  let partial: PartialWrites | undefined;
  for (let round = 0; pending && Object.keys(pending).length > 0; round++) {
    if (round >= maxRounds) {
      await partial?.unfinished(pending);
      const err = new Error('BatchWriteItem left items unprocessed after retries');
      err.name = 'ThrottlingException';
      throw err;
    }
    if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** round)));
    let out: BatchWriteItemCommandOutput;
    try {
      signal?.throwIfAborted();
      const command = new BatchWriteItemCommand({ RequestItems: pending });
      if (opts.noBlindResend) refuseBlindResends(command);
      out = await send(command, { abortSignal: signal });
    } catch (err) {
      await partial?.unfinished(pending);
      throw err;
    }
    const rest: MarshalledRequests | undefined = out.UnprocessedItems;
    const left = itemCount(rest);
    if (partial === undefined && onPartial !== undefined && left > 0 && left < itemCount(pending)) partial = onPartial();
    pending = rest;
    if (partial?.pending && rest && left > 0 && round + 1 < maxRounds) pending = await partial.pending(rest);
  }
  await partial?.finished?.();
}

/** How many writes `requests` holds. */
function itemCount(requests: MarshalledRequests | undefined): number {
  let n = 0;
  for (const writes of Object.values(requests ?? {})) n += writes.length;
  return n;
}

/** `requests` marshalled as the document client would. */
export function marshalRequests(requests: BatchRequests): MarshalledRequests {
  const out: MarshalledRequests = {};
  for (const [table, writes] of Object.entries(requests)) {
    out[table] = writes.map((w) => (w.DeleteRequest ? { DeleteRequest: { Key: marshall(w.DeleteRequest.Key ?? {}, MARSHALL) } } : { PutRequest: { Item: marshall(w.PutRequest?.Item ?? {}, MARSHALL) } }));
  }
  return out;
}

/** Splits `items` into chunks of 25, the BatchWriteItem limit. */
export function chunks25<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) out.push(items.slice(i, i + BATCH_WRITE_MAX));
  return out;
}

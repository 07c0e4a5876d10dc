// DynamoDB fault point: AWS SDK v3 middleware on a client, matching by operation and table.
// Attempt faults (errors, throttles, latency, timeouts, partial failures) sit inside the SDK's retry
// loop, so each retry is a fresh attempt the chaos engine decides on; partial batches rewrite the
// call's input once, before serialisation, as DynamoDB's own UnprocessedItems would come back once.
import type { BatchWriteItemCommandOutput, WriteRequest } from '@aws-sdk/client-dynamodb';
import type {
  FinalizeHandler,
  FinalizeHandlerArguments,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeMiddleware,
  Pluggable,
} from '@smithy/types';
import { createDynamoDbError } from '../faults/dynamodb-error.js';
import { delay } from '../faults/delay.js';
import { splitBatch } from '../faults/partial-batch.js';
import { hang } from '../faults/timeout.js';
import type { ChaosEngine } from '../rules/chaos-engine.js';
import type { Injection } from '../rules/injection-log.js';
import type { InjectorKind } from '../rules/injector-schema.js';
import type { CallAttributes } from '../rules/match-pattern.js';

/** Options for the DynamoDB fault point. */
export interface DynamoDbPointOptions {
  /** Returns the current request id (e.g. from the host's AsyncLocalStorage) for the injection log. */
  requestId?: () => string | undefined;
}

// The point works on any client's stack (plain or document client, whose input and output types
// differ), so it is typed for any input and output, as the SDK's own plugins are.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** The smallest client shape the point needs: anything with an SDK middleware stack. */
export interface HasMiddlewareStack {
  middlewareStack: { use(pluggable: Pluggable<Any, Any>): void };
}

const ATTEMPT_KINDS: ReadonlySet<InjectorKind> = new Set(['latency', 'dynamodb_error', 'throttle', 'timeout', 'partial_failure']);
const CALL_KINDS: ReadonlySet<InjectorKind> = new Set(['partial_batch']);

type Input = Record<string, unknown>;

/**
 * The operation (`PutItem`), every table a call touches, and for a call naming one item by its `Key`
 * (GetItem, UpdateItem, DeleteItem) that key's values, as the rules match them: a rule can hold up
 * the write of one item (`key: 'dlv_*'`) and not another item of the same table.
 */
export function dynamoDbAttributes(commandName: string | undefined, input: unknown): CallAttributes {
  const operation = (commandName ?? '').replace(/Command$/, '');
  const tables = new Set<string>();
  const body = (input ?? {}) as Input;
  if (typeof body.TableName === 'string') tables.add(body.TableName);
  for (const key of ['RequestItems'] as const) {
    if (body[key] && typeof body[key] === 'object') for (const table of Object.keys(body[key] as Input)) tables.add(table);
  }
  for (const key of ['TransactItems'] as const) {
    if (Array.isArray(body[key])) {
      for (const item of body[key] as Input[]) {
        for (const inner of Object.values(item ?? {})) {
          const name = (inner as Input | undefined)?.TableName;
          if (typeof name === 'string') tables.add(name);
        }
      }
    }
  }
  const key = keyValues(body.Key);
  return key === undefined ? { operation, table: [...tables] } : { operation, table: [...tables], key };
}

/** The string and number values of a `Key`, in the document client's form (`'a'`) or the marshalled one (`{ S: 'a' }`). */
function keyValues(key: unknown): string[] | undefined {
  if (!key || typeof key !== 'object') return undefined;
  const values: string[] = [];
  for (const value of Object.values(key as Input)) {
    if (typeof value === 'string' || typeof value === 'number') values.push(String(value));
    else if (value && typeof value === 'object') {
      const { S, N } = value as { S?: unknown; N?: unknown };
      if (typeof S === 'string') values.push(S);
      else if (typeof N === 'string') values.push(N);
    }
  }
  return values;
}

/**
 * The fault point as an SDK plugin: `client.middlewareStack.use(chaosDynamoDbPlugin(engine))`.
 * Works for `DynamoDBClient` and `DynamoDBDocumentClient` alike (a document client's batches are
 * split in their native form).
 */
export function chaosDynamoDbPlugin(engine: ChaosEngine, options: DynamoDbPointOptions = {}): Pluggable<Any, Any> {
  // Only a call that gets an injection pays for an async wrapper: the disabled path is a property
  // read and the no-match path a synchronous decision, both returning `next(args)` as is.
  const attemptOptions = { kinds: ATTEMPT_KINDS, requestId: options.requestId };
  const attempt: FinalizeRequestMiddleware<Any, Any> = (next, context) => (args) => {
    if (!engine.enabled) return next(args);
    const injection = engine.decide('dynamodb', dynamoDbAttributes(context.commandName, args.input), attemptOptions);
    return injection === null ? next(args) : applyToAttempt(injection, next, context, args);
  };

  const applyToAttempt = async (injection: Injection, next: FinalizeHandler<Any, Any>, context: HandlerExecutionContext, args: FinalizeHandlerArguments<Any>) => {
    const signal = (context as { __smithy_context?: { abortSignal?: AbortSignal } }).__smithy_context?.abortSignal;
    const { injector, detail } = injection;
    switch (injector.kind) {
      case 'latency':
        await delay(detail.delay_ms ?? 0, signal);
        return next(args);
      case 'dynamodb_error':
        throw createDynamoDbError(injector.error, injector.message);
      case 'throttle':
        throw createDynamoDbError(injector.error);
      case 'timeout':
        return hang(detail.delay_ms ?? injector.ms, signal);
      case 'partial_failure':
        if (detail.phase === 'after') await next(args);
        throw createDynamoDbError(injector.error);
      default:
        return next(args);
    }
  };

  const call: InitializeMiddleware<Any, Any> = (next, context) => (args) =>
    engine.enabled && /^BatchWriteItem(Command)?$/.test(context.commandName ?? '') ? callWithChaos(next, context, args) : next(args);

  const callWithChaos = async (next: InitializeHandler<Any, Any>, context: HandlerExecutionContext, args: InitializeHandlerArguments<Any>) => {
    const input = args.input as { RequestItems?: Record<string, WriteRequest[]> };
    const injection = engine.decide('dynamodb', dynamoDbAttributes(context.commandName, input), { kinds: CALL_KINDS, requestId: options.requestId });
    if (injection?.injector.kind !== 'partial_batch' || !input.RequestItems) return next(args);
    const { kept, unprocessed } = splitBatch(input.RequestItems, injection.injector.fraction, injection.detail.pick_seed ?? 0);
    if (Object.keys(kept).length === 0) {
      const output: Partial<BatchWriteItemCommandOutput> = {
        UnprocessedItems: unprocessed,
        $metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 },
      };
      return { output, response: { statusCode: 200, headers: {} } };
    }
    const result = await next({ ...args, input: { ...input, RequestItems: kept } });
    const output = result.output as BatchWriteItemCommandOutput;
    const merged: Record<string, WriteRequest[]> = { ...(output.UnprocessedItems ?? {}) };
    for (const [table, requests] of Object.entries(unprocessed)) merged[table] = [...(merged[table] ?? []), ...requests];
    return { ...result, output: { ...output, UnprocessedItems: merged } };
  };

  return {
    applyToStack(stack) {
      stack.add(call, { step: 'initialize', name: 'chaosPartialBatchMiddleware', override: true });
      stack.addRelativeTo(attempt, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'chaosAttemptMiddleware', override: true });
    },
  };
}

/**
 * Installs the DynamoDB fault point on a client.
 *
 * @example
 * const client = new DynamoDBClient({ endpoint, region: 'local' });
 * addChaosMiddleware(client, engine, { requestId: () => als.getStore()?.requestId });
 */
export function addChaosMiddleware(client: HasMiddlewareStack, engine: ChaosEngine, options: DynamoDbPointOptions = {}): void {
  client.middlewareStack.use(chaosDynamoDbPlugin(engine, options));
}

// Known bugs planted in the reference server through the seam it offers for tests (a middleware on
// its DynamoDB document client, added before anything uses it). Each is invisible without faults and
// loses data under the right one, so exploration can be shown to find it.
import type { Dynamo } from '../../../../reference-server/src/store/dynamo-client.js';

type Args = { input: Record<string, unknown> };

/** The tables an event's create writes with PutItem before it answers. */
const CREATE_TABLES = /-(events|idempotency[a-z-]*)$/;

/**
 * "Acknowledged though the write failed": a create's PutItem that fails (after the SDK's retries)
 * is reported as a success, so the API answers 201 for an event it never stored. Only a DynamoDB
 * error on PutItem exposes it.
 */
export function swallowCreateWriteErrors(dynamo: Dynamo): void {
  dynamo.doc.middlewareStack.add(
    ((next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => async (args: Args) => {
      if (context.commandName !== 'PutItemCommand' || !CREATE_TABLES.test(String(args.input.TableName ?? ''))) return next(args);
      try {
        return await next(args);
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') throw err;
        return { output: { $metadata: { httpStatusCode: 200 } }, response: { statusCode: 200, headers: {} } };
      }
    }) as never,
    { step: 'initialize', name: 'plantedSwallowCreateWriteErrors' },
  );
}

/**
 * "Visible before it is accepted": an event created with an idempotency key is written visible at
 * once instead of hidden until its outbox rows are durable (the order the server used before
 * exploration found this). A BatchWriteItem failure between the two writes answers 503 yet leaves a
 * readable event that nothing ever delivers or counts.
 */
export function revealBeforeOutbox(dynamo: Dynamo): void {
  dynamo.doc.middlewareStack.add(
    ((next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => async (args: Args) => {
      const item = args.input.Item as Record<string, unknown> | undefined;
      if (context.commandName !== 'PutItemCommand' || !/-events$/.test(String(args.input.TableName ?? '')) || !item?.outbox_pending) return next(args);
      const { outbox_pending: _hidden, ...visible } = item;
      return next({ ...args, input: { ...args.input, Item: { ...visible, inbox_tenant: visible.tenant_id } } });
    }) as never,
    { step: 'initialize', name: 'plantedRevealBeforeOutbox' },
  );
}

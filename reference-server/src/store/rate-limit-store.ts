// Rate-limit counters shared by every server instance: one item per key lineage and UTC day holding
// the day, hour and minute counts, so a request costs exactly one UpdateItem (ADD) round trip.
import { UpdateItemCommand, type UpdateItemCommandOutput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { windowAt, type RateWindow } from '../domain/rate-limit-tiers.js';
import { refuseBlindResends } from './no-blind-resend.js';

export class RateLimitStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Adds `delta` to the three windows containing `nowMs` and returns the new counts. The item holds
   * at most 24 hour and 1440 minute attributes; `ttl` lets DynamoDB delete it two days later.
   * An ADD is never sent again after an attempt that may have landed unseen (its resend would count
   * the requests twice for the rest of the day): it rejects with OutcomeUnknownError, which the
   * limiter takes as any store failure. The low-level command, so the guard can see the call.
   */
  async add(subject: string, nowMs: number, delta = 1): Promise<Record<RateWindow, number>> {
    const day = windowAt('day', nowMs);
    const hourAttr = `h${windowAt('hour', nowMs).index}`;
    const minuteAttr = `m${windowAt('minute', nowMs).index}`;
    const command = new UpdateItemCommand({
      TableName: this.table,
      Key: { counter_id: { S: `${subject}#${day.index}` } },
      UpdateExpression: 'ADD #d :n, #h :n, #m :n SET #ttl = :ttl',
      ExpressionAttributeNames: { '#d': 'day', '#h': hourAttr, '#m': minuteAttr, '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':n': { N: String(delta) }, ':ttl': { N: String(Math.floor(day.resetMs / 1000) + 86_400) } },
      ReturnValues: 'UPDATED_NEW',
    });
    refuseBlindResends(command);
    // The document client sends any command of its service through the client it wraps.
    const send = this.doc.send.bind(this.doc) as unknown as (c: UpdateItemCommand) => Promise<UpdateItemCommandOutput>;
    const { Attributes } = await send(command);
    const count = (name: string) => Number(Attributes?.[name]?.N ?? 0);
    return { day: count('day'), hour: count(hourAttr), minute: count(minuteAttr) };
  }
}

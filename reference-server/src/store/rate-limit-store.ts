// Rate-limit counters shared by every server instance: one item per key lineage and UTC day holding
// the day, hour and minute counts, so a request costs exactly one UpdateItem (ADD) round trip.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { windowAt, type RateWindow } from '../domain/rate-limit-tiers.js';

export class RateLimitStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Adds `delta` to the three windows containing `nowMs` and returns the new counts. The item holds
   * at most 24 hour and 1440 minute attributes; `ttl` lets DynamoDB delete it two days later.
   */
  async add(subject: string, nowMs: number, delta = 1): Promise<Record<RateWindow, number>> {
    const day = windowAt('day', nowMs);
    const hourAttr = `h${windowAt('hour', nowMs).index}`;
    const minuteAttr = `m${windowAt('minute', nowMs).index}`;
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { counter_id: `${subject}#${day.index}` },
        UpdateExpression: 'ADD #d :n, #h :n, #m :n SET #ttl = :ttl',
        ExpressionAttributeNames: { '#d': 'day', '#h': hourAttr, '#m': minuteAttr, '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':n': delta, ':ttl': Math.floor(day.resetMs / 1000) + 86_400 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = (name: string) => Number((Attributes as Record<string, unknown> | undefined)?.[name] ?? 0);
    return { day: count('day'), hour: count(hourAttr), minute: count(minuteAttr) };
  }
}

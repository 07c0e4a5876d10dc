// Health of the server's dependencies: each table is described, and timed. Results are cached for
// a second so probes under load do not become load themselves.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../domain/clock.js';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface ComponentHealth {
  status: HealthStatus;
  response_time_ms: number;
  details?: Record<string, unknown>;
  error?: string;
}

/** Slower than this and the database is reported degraded. */
const DEGRADED_MS = 500;
const CACHE_MS = 1_000;

export class HealthChecker {
  private cached?: { at: number; result: ComponentHealth };

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: string[],
    private readonly clock: Clock,
  ) {}

  /** DynamoDB health: every table ACTIVE and answering. Never throws. */
  async database(): Promise<ComponentHealth> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_MS && now >= this.cached.at) return this.cached.result;
    const started = performance.now();
    let result: ComponentHealth;
    try {
      const tables = await Promise.all(
        this.tables.map(async (TableName) => {
          const { Table } = await this.client.send(new DescribeTableCommand({ TableName }), {
            abortSignal: AbortSignal.timeout(2_000),
          });
          return [TableName, Table?.TableStatus ?? 'UNKNOWN'] as const;
        }),
      );
      const elapsed = Math.round(performance.now() - started);
      const allActive = tables.every(([, s]) => s === 'ACTIVE');
      result = {
        status: !allActive ? 'unhealthy' : elapsed > DEGRADED_MS ? 'degraded' : 'healthy',
        response_time_ms: elapsed,
        details: { tables: Object.fromEntries(tables) },
      };
    } catch (err) {
      result = {
        status: 'unhealthy',
        response_time_ms: Math.round(performance.now() - started),
        error: err instanceof Error ? err.name : 'unknown error',
      };
    }
    this.cached = { at: now, result };
    return result;
  }
}

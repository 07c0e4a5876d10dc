// Picks the adapter a scenario names and connects it to the target.
import type { AdapterSpec } from '../scenario/adapter-schema.js';
import type { Adapter } from './adapter.js';
import { httpAdapter } from './http-adapter.js';
import { triggersApiAdapter } from './triggers-api-adapter.js';

/** Connects `spec` (`triggers-api` or `{ http }`) to the target. */
export function createAdapter(spec: AdapterSpec, conn: { baseUrl: string; adminToken: string | undefined; adminTokenVariable?: string; runId: string; env: Record<string, string | undefined> }): Adapter {
  return spec === 'triggers-api' ? triggersApiAdapter(conn) : httpAdapter(spec.http, conn);
}

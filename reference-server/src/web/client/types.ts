// The shapes the dashboard reads: the API's come from the TypeScript SDK's models, their one
// definition (type-only, so nothing of the SDK enters the bundle); the dashboard's own endpoints
// (/dashboard/api) and the chaos control API are described here.
export type {
  AnalyticsRow,
  AnalyticsSummary,
  ApiKey,
  CreateApiKeyInput,
  CreatedApiKey as CreatedKey,
  Delivery,
  DlqEntry,
  Webhook,
  WebhookMetrics,
  RotatedApiKey as RotatedKey,
  Scope,
  SigningMode,
  Tier,
  WebhookTestResult as TestResult,
} from '../../../../sdk/typescript/src/index.js';

/** Who is signed in, from GET /dashboard/api/session. */
export type Session =
  | { kind: 'admin'; chaos: boolean }
  | { kind: 'key'; key_id: string; tenant_id: string; name: string; scopes: string[]; chaos: false };

/** An installed chaos rule with its live state (GET /_chaos/rules). */
export interface ChaosRule {
  id: string;
  point: string;
  injector: { kind: string } & Record<string, unknown>;
  probability: number;
  state: 'pending' | 'active';
  count: number;
  ends_at: string | null;
  max_count?: number;
}

/** One injection from GET /_chaos/log. */
export interface Injection {
  seq: number;
  at: number;
  rule: string;
  point: string;
  kind: string;
  request_id?: string;
  detail: Record<string, unknown>;
}

/** One scenario run from GET /dashboard/api/runs, as the server summarizes its journal (type-only). */
export type { RunSummary } from '../journal-summary.js';

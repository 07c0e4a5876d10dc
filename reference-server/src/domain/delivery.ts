// Deliveries: one per (event, webhook), with a deterministic id so fan-out can be redone safely, and
// the pure decision of what an attempt's result means: delivered, retry at a time, or dead letter.
import { createHash } from 'node:crypto';
import { nextAttemptAt, parseRetryAfter, type RetryTiming } from './retry-schedule.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

/** Classes of failure, for history and metrics. */
export type ErrorClass = 'http_4xx' | 'http_5xx' | 'http_410' | 'http_other' | 'timeout' | 'connection' | 'ssrf_blocked' | 'webhook_disabled';

export interface AttemptRecord {
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  success: boolean;
  error_class: ErrorClass | null;
  error: string | null;
  response_body: string | null;
}

export interface DeliveryRecord {
  delivery_id: string;
  tenant_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The JSON body sent on every attempt, fixed at fan-out. */
  body: string;
  status: DeliveryStatus;
  attempts: AttemptRecord[];
  attempt_count: number;
  next_attempt_at?: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** The lease token of the last settle, so a settle's resend can tell its own landed write. */
  settled_by?: string;
  /** The token of the last replay that requeued it, so the requeue's resend can tell its own landed write. */
  requeued_by?: string;
}

/** `dlv_` + 26 hex chars of SHA-256(event, webhook): the same pair always gets the same id. */
export function deliveryIdFor(eventId: string, webhookId: string): string {
  return 'dlv_' + createHash('sha256').update(`${eventId}\n${webhookId}`).digest('hex').slice(0, 26);
}

/** What happened on the wire. */
export type AttemptResult =
  | { kind: 'response'; statusCode: number; retryAfter?: string }
  | { kind: 'error'; errorClass: ErrorClass; message: string };

/** What to do next. */
export type AttemptDecision =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; at: number; reason: string }
  | { outcome: 'dead_letter'; reason: string; disableWebhook: boolean };

/** Decides the next step after attempt number `attempt` (1-based). */
export function decideAttempt(
  result: AttemptResult,
  attempt: number,
  nowMs: number,
  random: () => number,
  timing: RetryTiming,
): AttemptDecision {
  if (result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300) return { outcome: 'delivered' };
  if (result.kind === 'response' && result.statusCode === 410) {
    return { outcome: 'dead_letter', reason: 'endpoint answered 410 Gone', disableWebhook: true };
  }
  const reason = result.kind === 'response' ? `HTTP ${result.statusCode}` : `${result.errorClass}: ${result.message}`;
  if (result.kind === 'error' && result.errorClass === 'ssrf_blocked') return { outcome: 'dead_letter', reason, disableWebhook: false };
  const retryAfter = result.kind === 'response' ? parseRetryAfter(result.retryAfter, nowMs) : undefined;
  const at = nextAttemptAt(attempt, nowMs, random, timing, retryAfter);
  return at === undefined
    ? { outcome: 'dead_letter', reason: `gave up after ${attempt} attempts; last: ${reason}`, disableWebhook: false }
    : { outcome: 'retry', at, reason };
}

/** The class of a received status code. */
export function classOfStatus(code: number): ErrorClass | null {
  if (code >= 200 && code < 300) return null;
  if (code === 410) return 'http_410';
  if (code >= 400 && code < 500) return 'http_4xx';
  if (code >= 500) return 'http_5xx';
  return 'http_other';
}

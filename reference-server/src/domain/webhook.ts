// The webhook resource: registration input, the stored record, its public view, and event-type
// filters (exact names, `*`, and prefix patterns such as `order.*`).
import { z } from 'zod';

const EventPattern = z
  .string()
  .min(1)
  .max(256)
  .regex(/^(\*|[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*(\.\*)?)$/, 'an event type, `*`, or a prefix pattern like `order.*`');

export const WebhookCreateSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  events: z.array(EventPattern).min(1).max(50),
  secret: z.string().max(200).optional(),
  description: z.string().max(500).optional(),
  is_active: z.boolean().optional(),
});

export const WebhookUpdateSchema = WebhookCreateSchema.partial();

/** A stored webhook. The secret is sealed at rest and never returned after creation. */
export interface WebhookRecord {
  webhook_id: string;
  tenant_id: string;
  url: string;
  events: string[];
  description: string | null;
  is_active: boolean;
  /** String form of is_active for the GSI sort key (key attributes cannot be booleans). */
  active_key: '1' | '0';
  secret_enc: string;
  consecutive_failures: number;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
  /** The dead-lettering last counted in `consecutive_failures` (delivery id and time), so none counts twice. */
  last_exhaustion?: string;
}

export function webhookView(w: WebhookRecord) {
  return {
    webhook_id: w.webhook_id,
    url: w.url,
    events: w.events,
    description: w.description,
    is_active: w.is_active,
    disabled_reason: w.disabled_reason,
    consecutive_failures: w.consecutive_failures,
    created_at: w.created_at,
    updated_at: w.updated_at,
  };
}

/** Whether `eventType` matches one pattern: exact, `*`, or `prefix.*` (which matches `prefix.x` and deeper). */
function matchesPattern(pattern: string, eventType: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return eventType.startsWith(pattern.slice(0, -1));
  return pattern === eventType;
}

/** Whether a webhook subscribed with `patterns` wants `eventType`. */
export function wantsEvent(patterns: readonly string[], eventType: string): boolean {
  return patterns.some((p) => matchesPattern(p, eventType));
}

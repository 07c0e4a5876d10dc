// HTTP error injector: the call is answered with an error status instead of reaching its handler or
// its receiver, with an optional Retry-After as real overloaded services send.
import { z } from 'zod';

/** Settings: the status (400–599, default 503) and an optional `Retry-After` in seconds. */
export const httpErrorSchema = z.strictObject({
  kind: z.literal('http_error'),
  status: z.number().int().min(400).max(599).default(503),
  retry_after_s: z.number().int().min(0).max(3600).optional(),
});

/** A validated HTTP error injector. */
export type HttpErrorInjector = z.infer<typeof httpErrorSchema>;

/** The JSON body an injected error carries: the project's error envelope with a recognisable code. */
export function httpErrorBody(status: number, ruleId: string, requestId?: string): string {
  return JSON.stringify({
    error: {
      code: status === 429 ? 'rate_limited' : 'chaos_injected',
      message: `chaos rule ${ruleId} answered ${status}`,
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
  });
}

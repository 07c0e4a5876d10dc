// A target that is already running somewhere: the runner only talks to it. Its traffic cannot be
// rewired, so proxy faults are refused; chaos faults go through its `/_chaos` API.
import { timedRequest } from '../adapters/timed-request.js';
import type { UrlTarget } from '../scenario/target-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { TargetHandle } from './target.js';

/** How long the first GET of the base URL may take before the target counts as not answering. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Checks the URL answers at all and reads the admin token from `env[admin_token_env]`. Throws
 * `ScenarioError` `target_unreachable` when nothing answers, `setup_failed` when `signal` cut the check.
 */
export async function connectUrlTarget(spec: UrlTarget, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<TargetHandle> {
  const baseUrl = spec.base_url.replace(/\/+$/, '');
  // undici's request rather than fetch: fetch refuses some ports outright (9, 6000, …) with a bare
  // TypeError, where the socket's own code (ECONNREFUSED, ENOTFOUND) tells the user what to fix.
  const probe = await timedRequest(baseUrl, {}, PROBE_TIMEOUT_MS, signal);
  if (signal?.aborted) throw new ScenarioError('setup_failed', `stopped while reaching ${baseUrl}`);
  // It took the connection and said nothing: up, but too slow to run against, not missing.
  if (probe.error === 'TimeoutError') throw new ScenarioError('target_unreachable', `${baseUrl} did not answer GET ${new URL(baseUrl).pathname} within ${PROBE_TIMEOUT_MS / 1000} s; check the service is healthy, or point target.base_url at a path that answers quickly`);
  if (probe.status === 0) throw new ScenarioError('target_unreachable', `cannot reach ${baseUrl} (${probe.error}); start the service or fix target.base_url`);
  return {
    baseUrl,
    adminToken: env[spec.admin_token_env] || undefined,
    webhookUrl: (url) => url,
    close: async () => undefined,
  };
}

// A target that is already running somewhere: the runner only talks to it. Its traffic cannot be
// rewired, so proxy faults are refused; chaos faults go through its `/_chaos` API.
import type { UrlTarget } from '../scenario/target-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { TargetHandle } from './target.js';

/**
 * Checks the URL answers at all and reads the admin token from `env[admin_token_env]`. Throws
 * `ScenarioError` `target_unreachable` when nothing answers.
 */
export async function connectUrlTarget(spec: UrlTarget, env: Record<string, string | undefined>): Promise<TargetHandle> {
  const baseUrl = spec.base_url.replace(/\/+$/, '');
  try {
    await fetch(baseUrl, { signal: AbortSignal.timeout(5_000) }).then((r) => r.body?.cancel());
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ScenarioError('target_unreachable', `cannot reach ${baseUrl} (${code}); start the service or fix target.base_url`, { cause: err });
  }
  return {
    baseUrl,
    adminToken: env[spec.admin_token_env] || undefined,
    webhookUrl: (url) => url,
    close: async () => undefined,
  };
}

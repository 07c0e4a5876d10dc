// The production guard: a server with chaos enabled must refuse to start when NODE_ENV is production.
import { ChaosError } from '../chaos-error.js';

/**
 * Throws `ChaosError` `chaos_forbidden_in_production` when chaos is enabled and `nodeEnv` is
 * `production`; returns quietly otherwise. Call it before opening any port.
 *
 * @example
 * assertChaosAllowed(parseChaosConfig(env), env.NODE_ENV);
 */
export function assertChaosAllowed(config: { readonly enabled: boolean }, nodeEnv: string | undefined): void {
  if (config.enabled && nodeEnv === 'production') {
    throw new ChaosError(
      'chaos_forbidden_in_production',
      'Refusing to start: CHAOS_ENABLED=true with NODE_ENV=production. Fault injection is for test and staging environments; unset CHAOS_ENABLED (or set it to false) to run in production.',
    );
  }
}

// The production guard refuses enabled chaos in production and nothing else.
import { expect, it } from 'vitest';
import { assertChaosAllowed } from '../../../chaos/src/control/assert-chaos-allowed.js';

it('throws a clear error when chaos is enabled in production', () => {
  expect(() => assertChaosAllowed({ enabled: true }, 'production')).toThrow(/Refusing to start: CHAOS_ENABLED=true with NODE_ENV=production/);
  expect(() => assertChaosAllowed({ enabled: true }, 'production')).toThrow(expect.objectContaining({ code: 'chaos_forbidden_in_production' }));
});

it('allows disabled chaos in production and enabled chaos elsewhere', () => {
  expect(() => assertChaosAllowed({ enabled: false }, 'production')).not.toThrow();
  expect(() => assertChaosAllowed({ enabled: true }, 'development')).not.toThrow();
  expect(() => assertChaosAllowed({ enabled: true }, undefined)).not.toThrow();
});

// The noop toxic: an accepted type that passes data through untouched (useful to probe the API).
import type { ToxicType } from './toxic.js';

/** `noop`: no attributes, data passes unchanged. */
export const noop: ToxicType = {
  name: 'noop',
  defaults: {},
  start: () => ({ onData: (chunk, next) => next(chunk) }),
};

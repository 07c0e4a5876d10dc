// The chaos package's one error type: a stable snake_case code, an HTTP status for the control API,
// and field-level details when a rule or configuration does not validate.

/** One field-level problem: where (`path`, e.g. `rules.0.probability`) and what. */
export interface ChaosErrorDetail {
  path: string;
  message: string;
}

/** Codes the chaos package raises. */
export type ChaosErrorCode = 'validation_error' | 'chaos_forbidden_in_production' | 'config_error' | 'not_found';

/**
 * The error every chaos function throws for a bad input or an unsafe setup.
 *
 * @example
 * try { engine.addRules([{ id: 'x' }]); } catch (e) { if (e instanceof ChaosError) console.log(e.details); }
 */
export class ChaosError extends Error {
  override readonly name = 'ChaosError';
  readonly code: ChaosErrorCode;
  readonly status: number;
  readonly details: readonly ChaosErrorDetail[];

  constructor(
    code: ChaosErrorCode,
    message: string,
    options: { status?: number; details?: readonly ChaosErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? (code === 'not_found' ? 404 : code === 'validation_error' ? 400 : 500);
    this.details = options.details ?? [];
  }
}

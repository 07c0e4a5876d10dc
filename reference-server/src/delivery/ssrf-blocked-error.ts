// The one error of webhook delivery: a target the SSRF policy refused at connect time. Raised by the
// dispatcher and classified by the send as `ssrf_blocked` (a dead letter, or the test endpoint's error_class).
/** A target the SSRF policy refused; the delivery worker records it as failure class `ssrf_blocked`. */
export class SsrfBlockedError extends Error {
  readonly code = 'SSRF_BLOCKED';
  override readonly name = 'SsrfBlockedError';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`webhook target ${host} refused: ${reason}`);
  }
}

// Types for k6's own summary library (jslib.k6.io/k6-summary), which k6 downloads when a script runs;
// @types/k6 does not cover jslib modules.
declare module 'https://jslib.k6.io/k6-summary/0.0.2/index.js' {
  /** One JUnit testsuite with a testcase per threshold. */
  export function jUnit(data: unknown, options?: { name?: string; classname?: string }): string;
  /** The end-of-test text summary k6 prints by default. */
  export function textSummary(data: unknown, options?: { indent?: string; enableColors?: boolean }): string;
}

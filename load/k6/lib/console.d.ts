// k6 provides `console` (written through its logger); @types/k6 leaves it to lib.dom, which does not
// describe k6's runtime, so only what the scripts use is declared here.
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};

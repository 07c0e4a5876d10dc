// Matching a rule's `match` block against the attributes a fault point reports
// (operation and table, method and route, host, worker loop): exact names, `*` globs and `:param` segments.

/** What a fault point reports about one call; a list means "any of these" (e.g. a batch's tables). */
export type CallAttributes = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A rule's match block: each key must match (AND); a list of patterns matches if any does (OR). */
export type MatchSpec = Readonly<Record<string, string | readonly string[]>>;

/** A compiled match block: a predicate over call attributes. */
export type Matcher = (attributes: CallAttributes) => boolean;

function compilePattern(pattern: string): (value: string) => boolean {
  if (!/[*:]/.test(pattern)) return (value) => value === pattern;
  const source = pattern
    .split(/(\*|:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') && part.length > 1 ? '[^/]+' : escape(part)))
    .join('');
  const re = new RegExp(`^${source}$`, 'i');
  return (value) => re.test(value);
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a match block once, when the rule is installed, so each decision is a few string tests.
 * Patterns: `Orders` (exact), `triggers-api-*` (glob), `/v1/events/:id` (one path segment per param).
 * An empty block matches every call at the point.
 *
 * @example
 * compileMatch({ operation: ['PutItem', 'BatchWriteItem'], table: '*-events' })({ operation: 'PutItem', table: 'x-events' }); // true
 */
export function compileMatch(spec: MatchSpec): Matcher {
  const checks = Object.entries(spec).map(([key, patterns]) => {
    const tests = (typeof patterns === 'string' ? [patterns] : patterns).map(compilePattern);
    return { key, tests };
  });
  if (checks.length === 0) return () => true;
  return (attributes) =>
    checks.every(({ key, tests }) => {
      const value = attributes[key];
      if (value === undefined) return false;
      const values = typeof value === 'string' ? [value] : value;
      return values.some((v) => tests.some((test) => test(v)));
    });
}

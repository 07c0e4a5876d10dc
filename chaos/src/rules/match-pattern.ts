// Matching a rule's `match` block against the attributes a fault point reports
// (operation and table, method and route, host, worker loop): exact names, `*` globs and `:param` segments.

/** What a fault point reports about one call; a list means "any of these" (e.g. a batch's tables). */
export type CallAttributes = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A rule's match block: each key must match (AND); a list of patterns matches if any does (OR). */
export type MatchSpec = Readonly<Record<string, string | readonly string[]>>;

/** A compiled match block: a predicate over call attributes. */
export type Matcher = (attributes: CallAttributes) => boolean;

/** One key's patterns, split so exact names need no regular expression. */
interface Check {
  key: string;
  exact: readonly string[];
  patterns: readonly RegExp[];
}

function toRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*|:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') && part.length > 1 ? '[^/]+' : escape(part)))
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function matchesOne(check: Check, value: string): boolean {
  for (const name of check.exact) if (name === value) return true;
  for (const re of check.patterns) if (re.test(value)) return true;
  return false;
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
  const checks: Check[] = Object.entries(spec).map(([key, given]) => {
    const list = typeof given === 'string' ? [given] : given;
    return { key, exact: list.filter((p) => !/[*:]/.test(p)), patterns: list.filter((p) => /[*:]/.test(p)).map(toRegExp) };
  });
  // Plain loops in one function: this runs on every call at the point, usually to say no, and on a
  // busy host each extra closure called costs more than the comparisons themselves.
  return (attributes) => {
    for (const check of checks) {
      const value = attributes[check.key];
      if (value === undefined) return false;
      if (typeof value === 'string') {
        if (!matchesOne(check, value)) return false;
        continue;
      }
      let any = false;
      for (const v of value as readonly string[]) {
        if (matchesOne(check, v)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  };
}

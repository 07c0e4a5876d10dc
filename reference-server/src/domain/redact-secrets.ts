// Removes secrets from anything headed for the audit log: values under secret-sounding names and
// strings shaped like our credentials, however deeply nested.

const SECRET_NAME = /secret|api_?key|token|password|authorization|signature|credential/i;
const SECRET_VALUE = /\b(?:tr_[A-Za-z0-9_-]{20,}|sk_[A-Za-z0-9_-]{20,}|whsec_[A-Za-z0-9+/=_-]{10,}|adm_[A-Za-z0-9_-]{10,})/g;
export const REDACTED = '[redacted]';

/**
 * A copy of `value` with secrets replaced by `[redacted]`. Names such as `key_id` or `key_prefix`
 * are kept: they identify a key without granting anything.
 * @example redactSecrets({ api_key: 'tr_…', key_id: 'key_1' }) // { api_key: '[redacted]', key_id: 'key_1' }
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === 'string') return value.replace(SECRET_VALUE, REDACTED);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_NAME.test(k) && !/_id$|_prefix$|_mode$|_version$/.test(k) ? REDACTED : redactSecrets(v, depth + 1),
      ]),
    );
  }
  return value;
}

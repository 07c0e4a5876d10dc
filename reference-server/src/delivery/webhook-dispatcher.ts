// The undici dispatcher webhook deliveries go through: it resolves each target itself, applies the
// SSRF policy to every resolved address, and hands the socket only the addresses it checked, so a
// DNS answer that changes between check and connect (rebinding) cannot slip past.
import dns, { type LookupAddress } from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { isAddressAllowed } from '../domain/ssrf-policy.js';
import { SsrfBlockedError } from './ssrf-blocked-error.js';

/** `dns.lookup` with `all: true`, as the dispatcher calls it; inject a fake one in tests. */
export type WebhookLookup = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** Options for {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /** `NODE_ENV=production`: only public or allowlisted addresses are dialled. */
  production: boolean;
  /** CIDRs reachable in production anyway (`WEBHOOK_ALLOW_CIDRS`). */
  allowCidrs: readonly string[];
  /** Resolver; default `dns.lookup` with `all: true`. */
  lookup?: WebhookLookup;
  /** TCP (and TLS) connect timeout; default 10 000 ms. */
  connectTimeoutMs?: number;
}

const defaultLookup: WebhookLookup = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * An undici Agent for webhook deliveries. Every new connection resolves its host (all addresses),
 * fails with {@link SsrfBlockedError} when any of them is refused by `isAddressAllowed`, and
 * otherwise connects to exactly the vetted addresses; literal-IP hosts are checked before dialling.
 * It follows no redirects: use `request`/`dispatch` (which do not follow them), not `fetch`.
 * @example
 * const dispatcher = createWebhookDispatcher({ production: true, allowCidrs: [] });
 * const res = await request(url, { method: 'POST', body, headers, dispatcher });
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): Dispatcher {
  const policy = { production: options.production, allowCidrs: options.allowCidrs };
  const resolve = options.lookup ?? defaultLookup;

  // Called by net/tls connect in place of dns.lookup, so the socket dials only what was checked.
  const vettedLookup: net.LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (addresses.length === 0) return callback(notFound(`no address for ${hostname}`), '', 0);
      for (const { address } of addresses) {
        const verdict = isAddressAllowed(address, policy);
        if (!verdict.allowed) return callback(new SsrfBlockedError(hostname, address, verdict.reason), '', 0);
      }
      const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
      const usable = wanted === undefined ? addresses : addresses.filter((a) => a.family === wanted);
      const first = usable[0];
      if (!first) return callback(notFound(`no IPv${wanted} address for ${hostname}`), '', 0);
      if (lookupOptions.all) return callback(null, usable);
      callback(null, first.address, first.family);
    });
  };

  const connect = buildConnector({ lookup: vettedLookup, timeout: options.connectTimeoutMs ?? 10_000 });
  const guardedConnect: buildConnector.connector = (connectOptions, callback) => {
    // net.connect skips the lookup for a literal IP, so such hosts are checked here instead.
    if (net.isIP(connectOptions.hostname) !== 0) {
      const verdict = isAddressAllowed(connectOptions.hostname, policy);
      if (!verdict.allowed) return callback(new SsrfBlockedError(connectOptions.hostname, connectOptions.hostname, verdict.reason), null);
    }
    return connect(connectOptions, callback);
  };

  return new Agent({ connect: guardedConnect });
}

function notFound(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: 'ENOTFOUND' });
}

// Routes a dependency through a Toxiproxy-compatible API (ours, or a real Toxiproxy at TOXIPROXY_URL):
// makes sure a named proxy exists in front of an upstream and rewrites URLs to go through it. This is
// how the reference stack sends its DynamoDB and webhook traffic through faults.

/** What to proxy. */
export interface ProxyRoute {
  /** Proxy name, e.g. `dynamodb` or `webhook-receiver`. */
  name: string;
  /** `host:port` of the real service. */
  upstream: string;
  /** Where the proxy listens; default 127.0.0.1 on a free port. */
  listen?: string;
}

/** A proxy in place. */
export interface ProxiedRoute {
  /** The `host:port` clients should use instead of the upstream. */
  listen: string;
  /** `http://upstream-host:port/path` → the same URL through the proxy (other hosts are left alone). */
  rewrite(url: string): string;
}

/**
 * Creates the proxy if it is missing, or replaces it if its upstream changed (POST /populate, so an
 * unchanged proxy keeps its toxics). Throws with the API's message when the API refuses.
 *
 * @example
 * const db = await ensureProxy(process.env.TOXIPROXY_URL ?? server.url, { name: 'dynamodb', upstream: '127.0.0.1:8000' });
 * new DynamoDBClient({ endpoint: db.rewrite('http://127.0.0.1:8000'), ... });
 */
export async function ensureProxy(apiUrl: string, route: ProxyRoute): Promise<ProxiedRoute> {
  const existing = await fetch(`${apiUrl}/proxies/${encodeURIComponent(route.name)}`);
  const current = existing.ok ? ((await existing.json()) as { listen: string; upstream: string }) : undefined;
  const listen = route.listen ?? (current?.upstream === route.upstream ? current.listen : '127.0.0.1:0');
  const response = await fetch(`${apiUrl}/populate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([{ name: route.name, listen, upstream: route.upstream }]),
  });
  const body = (await response.json()) as { proxies?: { name: string; listen: string }[]; error?: string };
  const proxy = body.proxies?.find((p) => p.name === route.name);
  if (!response.ok || !proxy) throw new Error(`cannot set up proxy ${route.name}: ${body.error ?? response.status}`);
  return {
    listen: proxy.listen,
    rewrite: (url) => {
      const parsed = new URL(url);
      if (parsed.host !== route.upstream) return url;
      parsed.host = proxy.listen;
      return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
  };
}

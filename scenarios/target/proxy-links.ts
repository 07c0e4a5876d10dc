// The fault proxy between the target and what it talks to: the built-in Toxiproxy-compatible proxy,
// or a real Toxiproxy when TOXIPROXY_URL names one, driven with toxiproxy-node-client either way.
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { ensureProxy, type ProxiedRoute } from '../../chaos/src/proxy/ensure-proxy.js';
import { startToxiproxyServer } from '../../chaos/src/proxy/server.js';
import type { PROXY_LINKS } from '../scenario/fault-schema.js';

/** A link name: `dynamodb` (server ↔ store) or `receiver` (worker ↔ the runner's receiver). */
export type LinkName = (typeof PROXY_LINKS)[number];

/** A link in place. */
export interface ProxyLink {
  route: ProxiedRoute;
  /** The link as toxiproxy-node-client sees it (add toxics, disable). */
  proxy: Proxy;
}

/** The proxy API and the links the runner made on it. */
export interface ProxyLinks {
  /** Which proxy: `built-in` or the TOXIPROXY_URL. */
  api: string;
  links: Map<LinkName, ProxyLink>;
  /** Puts a link in front of `upstream` (`host:port`), named uniquely for this run. */
  link(name: LinkName, upstream: string): Promise<ProxyLink>;
  /** Deletes the links, and stops the built-in proxy. */
  close(): Promise<void>;
}

/**
 * Starts the built-in proxy (seeded with the run's seed), or connects to `toxiproxyUrl`.
 * @example const proxies = await startProxyLinks({ seed, runId, toxiproxyUrl: process.env.TOXIPROXY_URL });
 */
export async function startProxyLinks(options: { seed: number; runId: string; toxiproxyUrl?: string }): Promise<ProxyLinks> {
  const builtIn = options.toxiproxyUrl ? undefined : await startToxiproxyServer({ port: 0, seed: options.seed });
  const apiUrl = options.toxiproxyUrl ?? builtIn!.url;
  const client = new Toxiproxy(apiUrl);
  const links = new Map<LinkName, ProxyLink>();
  return {
    api: options.toxiproxyUrl ?? 'built-in',
    links,
    async link(name, upstream) {
      const route = await ensureProxy(apiUrl, { name: `aftershock-${options.runId}-${name}`, upstream });
      const link = { route, proxy: await client.get(`aftershock-${options.runId}-${name}`) };
      links.set(name, link);
      return link;
    },
    async close() {
      if (builtIn) return builtIn.close();
      for (const { proxy } of links.values()) await proxy.remove().catch(() => undefined);
    },
  };
}

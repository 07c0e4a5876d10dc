// Every proxy of a server by name, with the operations behind the API: add, populate (add or replace),
// remove, reset. Each proxy gets its own random stream derived from the server seed and its name.
import { apiErrors, failure, success, type Outcome } from './api-error.js';
import type { ProxyMetrics } from './metrics.js';
import { Proxy } from './proxy.js';
import type { ProxyInput } from './proxy-input.js';
import { createRandom, type Random } from './random.js';

/** The proxies of one server. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(
    private readonly random: Random,
    private readonly metrics: ProxyMetrics,
    /** Monotonic milliseconds for chunk arrival times (injected so a run can control its clock). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Every proxy, sorted by name (Go marshals maps with sorted keys). */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Outcome<Proxy> {
    const proxy = this.proxies.get(name);
    return proxy ? success(proxy) : failure(apiErrors.proxyNotFound);
  }

  /** Creates and (unless `enabled: false`) starts a proxy; 409 when the name is taken, 500 when bind fails. */
  async add(input: ProxyInput): Promise<Outcome<Proxy>> {
    if (this.proxies.has(input.name)) return failure(apiErrors.proxyAlreadyExists);
    return this.create(input);
  }

  /**
   * Populate semantics: a proxy whose listen and upstream are unchanged (and that brings no toxics)
   * is left as it is; otherwise it is replaced, losing its toxics.
   */
  async addOrReplace(input: ProxyInput): Promise<Outcome<Proxy>> {
    const existing = this.proxies.get(input.name);
    if (existing) {
      const sameListen = input.listen === existing.listen || input.listen === existing.requestedListen;
      if (sameListen && input.upstream === existing.upstream && !input.toxics) return success(existing);
      existing.stop();
      this.proxies.delete(input.name);
    }
    return this.create(input);
  }

  /** Stops and forgets a proxy; 404 when unknown. */
  remove(name: string): Outcome<void> {
    const proxy = this.proxies.get(name);
    if (!proxy) return failure(apiErrors.proxyNotFound);
    proxy.stop();
    this.proxies.delete(name);
    return success(undefined);
  }

  /** `POST /reset`: starts every proxy again and removes all toxics. */
  async reset(): Promise<Outcome<void>> {
    for (const proxy of this.list()) {
      const started = await proxy.start();
      if (!started.ok) return started;
      proxy.toxics.clear();
    }
    return success(undefined);
  }

  /** Stops every proxy (server shutdown). */
  stopAll(): void {
    for (const proxy of this.proxies.values()) proxy.stop();
  }

  private async create(input: ProxyInput): Promise<Outcome<Proxy>> {
    const random = (input.seed === undefined ? this.random : createRandom(input.seed)).derive('proxy', input.name);
    const proxy = new Proxy(input, random, this.metrics, this.now);
    for (const toxic of input.toxics ?? []) proxy.toxics.add(toxic);
    // Reserve the name before binding, so a concurrent create of the same name gets its 409.
    this.proxies.set(input.name, proxy);
    if (input.enabled !== false) {
      const started = await proxy.start();
      if (!started.ok) {
        this.proxies.delete(input.name);
        return started;
      }
    }
    return success(proxy);
  }
}

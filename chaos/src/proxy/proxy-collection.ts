// Every proxy of a server by name, with the operations behind the API: add, populate (add or replace),
// update, remove, reset. Lifecycle changes run one at a time through a queue: Toxiproxy serialises
// start, stop and update, and without that two calls could both bind a listener that only one owns.
// Each proxy gets its own random stream derived from the server seed and its name.
import { systemLookup, type HostLookup } from './address.js';
import { apiErrors, failure, success, type Outcome } from './api-error.js';
import type { ProxyMetrics } from './metrics.js';
import { Proxy, type ProxyChange } from './proxy.js';
import type { ProxyInput } from './proxy-input.js';
import { createRandom, type Random } from './random.js';
import { SerialQueue } from './serial-queue.js';

/** The proxies of one server. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private readonly changes = new SerialQueue();
  private closed = false;

  constructor(
    private readonly random: Random,
    private readonly metrics: ProxyMetrics,
    /** Monotonic milliseconds for chunk arrival times (injected so a run can control its clock). */
    private readonly now: () => number = () => performance.now(),
    /** Resolves listen host names (injected so a test can decide when a lookup finishes). */
    private readonly lookup: HostLookup = systemLookup,
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
  add(input: ProxyInput): Promise<Outcome<Proxy>> {
    return this.change(async () => (this.proxies.has(input.name) ? failure(apiErrors.proxyAlreadyExists) : this.create(input)));
  }

  /**
   * Populate semantics: a proxy whose listen and upstream are unchanged (and that brings no toxics)
   * is left as it is; otherwise it is replaced, losing its toxics.
   */
  addOrReplace(input: ProxyInput): Promise<Outcome<Proxy>> {
    return this.change(async () => {
      const existing = this.proxies.get(input.name);
      if (existing) {
        const sameListen = input.listen === existing.listen || input.listen === existing.requestedListen;
        if (sameListen && input.upstream === existing.upstream && !input.toxics) return success(existing);
        existing.stop();
        this.proxies.delete(input.name);
      }
      return this.create(input);
    });
  }

  /**
   * Updates a proxy; `change` sees the proxy as it is when the update runs (after earlier changes),
   * so omitted fields keep their current values. 404 when the proxy is gone by then.
   */
  update(name: string, change: (proxy: Proxy) => ProxyChange): Promise<Outcome<Proxy>> {
    return this.change(async () => {
      const proxy = this.proxies.get(name);
      if (!proxy) return failure(apiErrors.proxyNotFound);
      const updated = await proxy.update(change(proxy));
      return updated.ok ? success(proxy) : updated;
    });
  }

  /** Stops and forgets a proxy; 404 when unknown. Once it resolves, the listener is closed. */
  remove(name: string): Promise<Outcome<void>> {
    return this.change(async () => {
      const proxy = this.proxies.get(name);
      if (!proxy) return failure(apiErrors.proxyNotFound);
      proxy.stop();
      this.proxies.delete(name);
      return success(undefined);
    });
  }

  /**
   * `POST /reset`: starts every proxy again and removes all toxics. A proxy that cannot start does not
   * stop the others from being reset; the first failure is reported once all were tried.
   */
  reset(): Promise<Outcome<void>> {
    return this.change(async () => {
      let first: Outcome<void> = success(undefined);
      for (const proxy of this.list()) {
        const started = await proxy.start();
        if (!started.ok && first.ok) first = started;
        proxy.toxics.clear();
      }
      return first;
    });
  }

  /** Stops every proxy after the changes already queued, and refuses later ones (server shutdown). */
  close(): Promise<void> {
    const done = this.changes.run(() => {
      for (const proxy of this.proxies.values()) proxy.stop();
    });
    this.closed = true;
    return done;
  }

  private change<T>(task: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    if (this.closed) return Promise.resolve(failure(apiErrors.internal('the proxy server is shutting down')));
    return this.changes.run(task);
  }

  private async create(input: ProxyInput): Promise<Outcome<Proxy>> {
    const random = (input.seed === undefined ? this.random : createRandom(input.seed)).derive('proxy', input.name);
    const proxy = new Proxy(input, random, this.metrics, this.now, this.lookup);
    for (const toxic of input.toxics ?? []) proxy.toxics.add(toxic);
    if (input.enabled !== false) {
      const started = await proxy.start();
      if (!started.ok) return started;
    }
    this.proxies.set(input.name, proxy);
    return success(proxy);
  }
}

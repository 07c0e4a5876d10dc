// A proxy's toxics: one ordered chain per direction. Every change is pushed to listeners (the live
// links of the proxy's connections) synchronously, so new settings reach open connections at once.
import type { Direction, ToxicSpec } from './toxic-spec.js';

/** Receives a direction's new chain whenever it changes. */
export type ChainListener = (direction: Direction, chain: readonly ToxicSpec[]) => void;

/** The toxics of one proxy, in insertion order per direction. */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicSpec[]> = { upstream: [], downstream: [] };
  private readonly listeners = new Set<ChainListener>();

  /** The current chain of a direction (a snapshot: later changes make a new array). */
  chain(direction: Direction): readonly ToxicSpec[] {
    return this.chains[direction];
  }

  /** Every toxic, upstream first, as `GET /proxies/{name}/toxics` lists them. */
  list(): ToxicSpec[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  /** The toxic named `name` on either stream. */
  get(name: string): ToxicSpec | undefined {
    return this.list().find((t) => t.name === name);
  }

  /** Appends a toxic to the end of its direction's chain (the caller checked the name is free). */
  add(spec: ToxicSpec): void {
    this.replaceChain(spec.stream, [...this.chains[spec.stream], spec]);
  }

  /** Replaces the toxic with the same name, in place. */
  update(spec: ToxicSpec): void {
    this.replaceChain(
      spec.stream,
      this.chains[spec.stream].map((t) => (t.name === spec.name ? spec : t)),
    );
  }

  /** Removes the toxic named `name`; false when there was none. */
  remove(name: string): boolean {
    const spec = this.get(name);
    if (!spec) return false;
    this.replaceChain(
      spec.stream,
      this.chains[spec.stream].filter((t) => t !== spec),
    );
    return true;
  }

  /** Removes every toxic (`POST /reset`). */
  clear(): void {
    for (const direction of ['upstream', 'downstream'] as const) {
      if (this.chains[direction].length > 0) this.replaceChain(direction, []);
    }
  }

  /** Subscribes to chain changes; returns the unsubscribe function. */
  subscribe(listener: ChainListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replaceChain(direction: Direction, chain: ToxicSpec[]): void {
    this.chains[direction] = chain;
    for (const listener of this.listeners) listener(direction, chain);
  }
}

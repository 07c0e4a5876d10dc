// A bounded, in-memory record of recent injections: what the control API's GET /_chaos/log serves and
// what replay tests compare (same seed, same calls → same entries).
import type { ChaosPoint, Injector, InjectorKind } from './injector-schema.js';
import type { InjectionDetail } from './resolve-injection.js';

/** One injection: which rule fired where, with what, and the concrete values drawn. */
export interface Injection {
  /** 1-based position in the engine's sequence of injections (survives ring-buffer eviction). */
  seq: number;
  /** Clock time of the decision (ms). */
  at: number;
  rule: string;
  point: ChaosPoint;
  kind: InjectorKind;
  injector: Injector;
  detail: InjectionDetail;
  request_id?: string;
}

/** A ring buffer of the last `capacity` injections (default 1,000). */
export class InjectionLog {
  private readonly buffer: Injection[] = [];
  private next = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Appends, evicting the oldest entry when full. */
  push(entry: Injection): void {
    if (this.buffer.length < this.capacity) this.buffer.push(entry);
    else this.buffer[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The retained entries, oldest first; with `limit`, only the newest `limit` of them. */
  entries(limit?: number): Injection[] {
    const ordered =
      this.buffer.length < this.capacity ? [...this.buffer] : [...this.buffer.slice(this.next), ...this.buffer.slice(0, this.next)];
    return limit === undefined ? ordered : ordered.slice(Math.max(0, ordered.length - limit));
  }

  /** Forgets everything (the sequence numbers the engine hands out keep counting). */
  clear(): void {
    this.buffer.length = 0;
    this.next = 0;
  }
}

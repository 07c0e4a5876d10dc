// One direction of a proxied connection. With no toxics it writes each read straight to the destination
// (pipe speed); with toxics a pump takes queued chunks through a snapshot of the stage chain, and chain
// changes start, stop or replace stages while data flows (a stopped stage releases what it holds).
import type { Socket } from 'node:net';
import type { Random } from './random.js';
import type { ToxicSpec } from './toxic-spec.js';
import { toxicType } from './toxics/registry.js';
import type { Chunk, StopReason, ToxicStage } from './toxics/toxic.js';

/** Byte counters a link adds to: bytes read from the source and written to the destination. */
export interface ByteCounters {
  received: number;
  sent: number;
}

/** What a link needs from its connection. */
export interface LinkOptions {
  source: Socket;
  destination: Socket;
  /** This connection direction's stream; each toxic start derives its own child from it. */
  random: Random;
  now: () => number;
  counters: ByteCounters;
  closeConnection(): void;
  resetConnection(): void;
}

interface Entry {
  spec: ToxicSpec;
  /** Null when the toxicity roll left this connection unaffected. */
  stage: ToxicStage | null;
  controller: AbortController;
}

// Bytes queued ahead of the pump before the source is paused (backpressure toward the sender).
const highWater = 256 * 1024;

/** A single-direction pipe through the toxic chain; see the file comment. */
export class Link {
  private entries: Entry[] = [];
  private readonly startCounts = new Map<string, number>();
  private readonly states = new Map<string, Record<string, number>>();
  private readonly queue: (Chunk | null)[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private direct = true;
  private closed = false;

  constructor(
    private readonly options: LinkOptions,
    chain: readonly ToxicSpec[],
  ) {
    const { source, destination } = options;
    source.on('data', (data: Buffer) => this.onData(data));
    source.on('end', () => this.onEnd());
    destination.on('drain', () => this.updateFlow());
    this.applyChain(chain);
    this.updateFlow();
  }

  /** Brings the running stages in line with `chain`: keeps unchanged toxics, starts new, stops old. */
  applyChain(chain: readonly ToxicSpec[]): void {
    if (this.closed) return;
    const previous = new Map(this.entries.map((e) => [e.spec.name, e]));
    const next = chain.map((spec) => {
      const kept = previous.get(spec.name);
      if (kept && kept.spec === spec) {
        previous.delete(spec.name);
        return kept;
      }
      return this.startEntry(spec);
    });
    const names = new Set(chain.map((s) => s.name));
    this.entries = next;
    for (const old of previous.values()) {
      const reason: StopReason = names.has(old.spec.name) ? 'replaced' : 'removed';
      if (reason === 'removed') this.states.delete(old.spec.name);
      stopEntry(old, reason);
    }
    if (next.length > 0) this.direct = false;
    else if (!this.pumping && this.queue.length === 0) this.goDirect();
  }

  /** The socket this link writes to. */
  get destination(): Socket {
    return this.options.destination;
  }

  /** Stops every stage and discards further data (the connection is closing). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.entries) stopEntry(entry, 'closed');
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private startEntry(spec: ToxicSpec): Entry {
    const count = this.startCounts.get(spec.name) ?? 0;
    this.startCounts.set(spec.name, count + 1);
    const random = this.options.random.derive(spec.name, count);
    const controller = new AbortController();
    // Toxicity is rolled once per start: it selects connections, not chunks; 0 never selects.
    const affected = random.next() < spec.toxicity;
    const type = toxicType(spec.type);
    if (!affected || !type) return { spec, stage: null, controller };
    let state = this.states.get(spec.name);
    if (!state) this.states.set(spec.name, (state = {}));
    const stage = type.start(spec.attributes, {
      signal: controller.signal,
      random,
      now: this.options.now,
      state,
      closeConnection: this.options.closeConnection,
      resetConnection: this.options.resetConnection,
    });
    return { spec, stage, controller };
  }

  private onData(data: Buffer): void {
    const { source, destination, counters } = this.options;
    counters.received += data.length;
    if (this.closed) return;
    if (this.direct) {
      counters.sent += data.length;
      if (!destination.write(data)) source.pause();
      return;
    }
    this.queue.push({ data, arrivedAt: this.options.now() });
    this.queuedBytes += data.length;
    if (this.queuedBytes >= highWater) source.pause();
    this.startPump();
  }

  private onEnd(): void {
    if (this.closed) return;
    if (this.direct) {
      this.options.destination.end();
      return;
    }
    this.queue.push(null);
    this.startPump();
  }

  private startPump(): void {
    // A failing stage must not take the process down: the connection closes instead.
    if (!this.pumping) this.pump().catch(() => this.options.closeConnection());
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const chunk = this.queue.shift() as Chunk | null;
        if (chunk === null) return await this.finish(this.entries);
        this.queuedBytes -= chunk.data.length;
        if (this.queuedBytes < highWater / 2) this.updateFlow();
        await this.traverse(this.entries, 0, chunk);
      }
    } finally {
      this.pumping = false;
    }
    if (!this.closed && this.entries.length === 0 && this.queue.length === 0) this.goDirect();
  }

  private traverse(entries: Entry[], index: number, chunk: Chunk): Promise<void> {
    if (this.closed) return Promise.resolve();
    const entry = entries[index];
    if (!entry) return this.write(chunk.data);
    if (!entry.stage || entry.controller.signal.aborted) return this.traverse(entries, index + 1, chunk);
    return entry.stage.onData(chunk, (next) => this.traverse(entries, index + 1, next));
  }

  private async write(data: Buffer): Promise<void> {
    const { destination, counters } = this.options;
    if (this.closed || destination.destroyed || destination.writableEnded) return;
    counters.sent += data.length;
    if (!destination.write(data)) await drained(destination);
  }

  private async finish(entries: Entry[]): Promise<void> {
    for (const entry of entries) {
      if (entry.stage?.onEnd && !entry.controller.signal.aborted) await entry.stage.onEnd();
    }
    if (!this.closed) this.options.destination.end();
  }

  private goDirect(): void {
    this.direct = true;
    this.updateFlow();
  }

  private updateFlow(): void {
    const { source, destination } = this.options;
    if (this.closed || source.destroyed) return;
    const hold = this.direct ? destination.writableNeedDrain : this.queuedBytes >= highWater;
    if (hold) source.pause();
    else if (source.isPaused()) source.resume();
  }
}

function stopEntry(entry: Entry, reason: StopReason): void {
  if (entry.controller.signal.aborted) return;
  entry.controller.abort();
  entry.stage?.onStop?.(reason);
}

/** Resolves when the socket can take more data, or when it closes (so a dead peer never hangs us). */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

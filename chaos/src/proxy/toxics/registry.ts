// The toxic types this proxy knows, by wire name, as Toxiproxy 2.12 registers them.
import { bandwidth } from './bandwidth.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { ToxicType } from './toxic.js';

const types = new Map<string, ToxicType>(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop].map((t) => [t.name, t]),
);

/** The toxic type registered under `name`, or undefined (the API answers 400 `invalid toxic type`). */
export function toxicType(name: string): ToxicType | undefined {
  return types.get(name);
}

/** Every registered type name. */
export function toxicTypeNames(): string[] {
  return [...types.keys()];
}

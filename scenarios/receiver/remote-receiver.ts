// The runner's receiver when it runs elsewhere (`aftershock receiver`, e.g. the playground's
// service): the same `Receiver` the timeline drives, backed by the control API. Faults are set and
// healed over HTTP; receipts are polled and handed to the run in its own clock and identity. The
// receiver outlives runs and takes webhooks on any path, so each run's webhook URL ends in a path
// segment of its own (as each explored schedule's does), and only receipts there are the run's: a
// webhook an earlier run left registered keeps delivering, to its own path.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hashSeed } from '../../chaos/src/index.js';
import type { ReceiptRecord } from '../history/history.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';
import type { LoggedReceipt } from './receipt-log.js';
import { CONTROL_PREFIX } from './receiver-control.js';
import type { Receiver, ReceiptIdentity } from './receiver.js';

/** How to reach the remote receiver and what to do with what it got. */
export interface RemoteReceiverOptions {
  /** The receiver's base URL as the runner reaches it, e.g. `http://127.0.0.1:9000`. */
  url: string;
  /**
   * Where the target must send webhooks (default `<url>/hook`), e.g. through a proxy link; the run's
   * own path segment is added to it (`<url>/hook/<runId>`).
   */
  webhookUrl?: string;
  /** The path segment that makes this run's webhook URL its own (default: a random one). */
  runId?: string;
  /** Milliseconds since the run started: receipts' epoch times are converted to it. */
  now: () => number;
  identify: (headers: IncomingHttpHeaders, body: string) => ReceiptIdentity;
  onReceipt: (receipt: ReceiptRecord) => void;
  /** A failed poll (reported, never thrown: the next poll tries again). */
  onError: (err: unknown) => void;
  /** How often receipts are read (default 200 ms). */
  pollMs?: number;
  /** The run's seed: each fault's probability draws restart from a seed derived from it and the fault's turn. */
  seed?: number;
}

interface ReceiptsPage {
  receipts: LoggedReceipt[];
  next: number;
  last: number;
  in_flight: number;
}

/**
 * Connects: checks the control API answers, heals any fault left over (a run starts from a healthy
 * receiver) and starts polling from the newest receipt, taking only those that arrived at the run's
 * own webhook URL (`url` of the answer). Throws `ScenarioError` `setup_failed` (exit 3) when the
 * receiver cannot be reached.
 * @example const receiver = await connectRemoteReceiver({ url: 'http://127.0.0.1:9000', now, identify, onReceipt, onError });
 */
export async function connectRemoteReceiver(options: RemoteReceiverOptions): Promise<Receiver> {
  const base = options.url.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${CONTROL_PREFIX}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`the receiver at ${base} answered ${method} ${CONTROL_PREFIX}${path} with ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  let cursor: number;
  let injected = 0;
  try {
    await call('DELETE', '/fault');
    cursor = ((await call('GET', '/receipts?limit=1')) as ReceiptsPage).last;
  } catch (err) {
    throw new ScenarioError('setup_failed', `cannot reach the receiver at ${base}: ${(err as Error).message} (is \`aftershock receiver\` running there?)`, { cause: err });
  }
  // A path of the run's own, matched at the end of a receipt's path: a proxy in front of the receiver
  // (--receiver-webhook-url) may put a prefix of its own before it.
  const segment = encodeURIComponent(options.runId ?? randomBytes(6).toString('hex'));
  const webhookUrl = new URL(options.webhookUrl ?? `${base}/hook`);
  webhookUrl.pathname = `${webhookUrl.pathname.replace(/\/+$/, '')}/${segment}`;
  const isOurs = (r: LoggedReceipt) => r.request !== undefined && new URL(r.request.path, 'http://receiver').pathname.endsWith(`/${segment}`);
  let inFlight = 0;
  let polling: Promise<void> | undefined;
  const pollOnce = async () => {
    for (;;) {
      const page = (await call('GET', `/receipts?after=${cursor}&limit=1000`)) as ReceiptsPage;
      inFlight = page.in_flight;
      // Epoch times on the receiver's host, moved onto the run's clock by their age.
      const nowRun = options.now();
      const nowEpoch = Date.now();
      for (const r of page.receipts) {
        if (!isOurs(r)) continue;
        const identity = options.identify(r.request.headers, r.request.body);
        options.onReceipt({ kind: 'receipt', ...identity, start: nowRun - (nowEpoch - r.start), end: nowRun - (nowEpoch - r.end), status: r.status });
      }
      cursor = page.next;
      if (page.receipts.length < 1000) return;
    }
  };
  const poll = () => {
    polling ??= pollOnce()
      .catch(options.onError)
      .finally(() => (polling = undefined));
    return polling;
  };
  const timer = setInterval(() => void poll(), options.pollMs ?? 200);
  return {
    url: webhookUrl.href,
    address: webhookUrl.host,
    inject: async (fault: ReceiverFault) => {
      injected++;
      await call('PUT', options.seed === undefined ? '/fault' : `/fault?seed=${hashSeed(String(options.seed), `receiver-fault-${injected}`)}`, fault);
    },
    heal: async () => {
      await call('DELETE', '/fault');
    },
    inFlight: () => inFlight,
    close: async () => {
      clearInterval(timer);
      await polling;
      await poll();
    },
  };
}

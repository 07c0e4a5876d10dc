// `aftershock receiver`: the runner's programmable webhook receiver as a service of its own (the
// playground's `receiver`), with its control API on the same port, until SIGINT/SIGTERM (exit 0).
import type { IncomingHttpHeaders } from 'node:http';
import { parseArgs } from 'node:util';
import { createRandom } from '../../chaos/src/index.js';
import { Webhook } from 'standardwebhooks';
import { ReceiptLog } from './receipt-log.js';
import { CONTROL_PREFIX, handleControl, type ReceiverControlState } from './receiver-control.js';
import { startReceiver, type ReceiptIdentity } from './receiver.js';

export const RECEIVER_USAGE = `usage: aftershock receiver [--host 127.0.0.1] [--port 9000] [--seed N] [--secret whsec_...]

A webhook receiver that answers 200 and records every request, and misbehaves on demand. Webhooks:
POST to any path (e.g. /hook). Control API (JSON), on the same port:
  GET    ${CONTROL_PREFIX}/health                      200 {"status":"ok"}
  PUT    ${CONTROL_PREFIX}/fault  {"status":503}       answer 503; or {"delay":"300ms"}, {"hang":true},
                                                  {"reset":true}, {"trickle":"2s"}; "probability": 0.5;
                                                  ?seed=N: the probability draws start from N
  GET    ${CONTROL_PREFIX}/fault                       the fault in force (null: healthy)
  DELETE ${CONTROL_PREFIX}/fault                       heal: answer 200 again, cut hung requests
  GET    ${CONTROL_PREFIX}/receipts?after=N&limit=M    receipts after sequence number N, and in_flight
  DELETE ${CONTROL_PREFIX}/receipts                    forget the receipts
\`aftershock run --receiver-url http://HOST:PORT\` drives it for the scenario's receiver faults.

options:
  --host HOST      interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --port PORT      port (default 9000; 0: a free one)
  --seed N         seed for a fault's probability draws (default: random, printed); a fault set
                   with PUT /_receiver/fault?seed=N restarts them from N (aftershock run does, from its seed)
  --secret SECRET  a webhook secret: each receipt records whether its Standard Webhooks signature verifies
  -h, --help       this help

exit codes: 0 stopped by SIGINT/SIGTERM · 1 cannot listen · 2 bad options`;

/** What a run of the command may be given besides argv (tests pass their own). */
export interface ReceiverCliIo {
  log?: (line: string) => void;
  /** Where one-line failures go (default stderr). */
  error?: (line: string) => void;
  /** Resolves when the receiver should stop; default: SIGINT or SIGTERM. */
  stopped?: () => Promise<void>;
}

const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** The Triggers API's webhook shape (`webhook-id` header, `data.event_id`, `webhook_id`); empty strings when absent. */
export function identifyWebhook(headers: IncomingHttpHeaders, body: string): ReceiptIdentity {
  let parsed: { delivery_id?: unknown; webhook_id?: unknown; event_id?: unknown; data?: { event_id?: unknown } } = {};
  try {
    parsed = JSON.parse(body) ?? {};
  } catch {
    // Not JSON: the headers still name the delivery.
  }
  const header = headers['webhook-id'] ?? headers['x-webhook-id'];
  return {
    delivery_id: String(header ?? parsed.delivery_id ?? ''),
    event_id: String(parsed.data?.event_id ?? parsed.event_id ?? ''),
    webhook_id: String(parsed.webhook_id ?? ''),
  };
}

/** Runs the command; resolves to its exit code. Never throws. */
export async function receiverCli(argv: string[], io: ReceiverCliIo = {}): Promise<number> {
  const log = io.log ?? ((line: string) => console.log(line));
  const error = io.error ?? ((line: string) => console.error(line));
  const fail = (message: string) => (error(`aftershock receiver: ${message}`), 2);
  let values;
  try {
    values = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' }, seed: { type: 'string' }, secret: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    return fail(`${(err as Error).message.replace(/\s*\n\s*/g, ' ')} (see aftershock receiver --help)`);
  }
  if (values.help) {
    log(RECEIVER_USAGE);
    return 0;
  }
  const port = Number(values.port ?? 9000);
  if (!/^\d+$/.test(values.port ?? '9000') || port > 65535) return fail(`--port must be a whole number 0–65535, got "${values.port}"`);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isSafeInteger(seed)) return fail(`--seed must be an integer, got "${values.seed}"`);
  let verifier: Webhook | undefined;
  try {
    // The library takes any base64 text for a key; a secret without its prefix is a copy-paste slip
    // that would make every receipt's signature "wrong" without a word.
    if (values.secret !== undefined && !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(values.secret)) throw new Error('not whsec_');
    verifier = values.secret === undefined ? undefined : new Webhook(values.secret);
  } catch {
    return fail('--secret is not a webhook secret (whsec_<base64>, as the webhook was registered with)');
  }
  let random = createRandom(seed);
  const receipts = new ReceiptLog();
  const state: Partial<ReceiverControlState> = { log: receipts, reseed: (s) => void (random = createRandom(s)) };
  let receiver;
  try {
    receiver = await startReceiver({
      host: values.host ?? '127.0.0.1',
      port,
      now: () => Date.now(),
      random: () => random.next(),
      identify: identifyWebhook,
      onReceipt: (receipt, request) => receipts.add(receipt, request, verifier && verifies(verifier, request.body, request.headers)),
      intercept: (req, res, body) => handleControl(state as ReceiverControlState, req, res, body),
    });
  } catch (err) {
    const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    error(`aftershock receiver: cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(err as Error).message} (${taken ? 'choose another --port' : 'check --host: an address of this machine'})`);
    return 1;
  }
  state.receiver = receiver;
  log(`receiver listening on http://${receiver.address} (webhooks: any path; control: ${CONTROL_PREFIX}; seed ${seed})`);
  await (io.stopped ?? untilSignal)();
  await receiver.close();
  return 0;
}

function verifies(verifier: Webhook, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    verifier.verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

// GET /_workers/wake: the wake stream worker processes follow (Server-Sent Events), so an event stored
// here reaches a worker in another process at once instead of at its next outbox poll. Not public: the
// bearer token is derived from the secrets key the server and its workers share (domain/worker-wake.ts).
import { Router } from 'express';
import { WAKE_STREAM_PATH } from '../domain/worker-wake.js';
import { ApiError } from './api-error.js';
import { presentedCredential } from './auth.js';
import { safeEqual } from './authenticator.js';
import type { WakeHub } from './wake-hub.js';

/** The wake stream's parts: the hub that writes to subscribers and the token they must present. */
export interface WorkerWake {
  hub: WakeHub;
  token: string;
}

/**
 * The stream's route. Wrong or missing token: 401 `unauthorized`; while the server shuts down: 503
 * `service_unavailable`. A subscriber stays until either side closes the connection.
 * @example app.use(wakeStreamRouter({ hub, token: wakeToken(secretsKey) }));
 */
export function wakeStreamRouter(wake: WorkerWake): Router {
  const router = Router();
  router.get(WAKE_STREAM_PATH, (req, res) => {
    const credential = presentedCredential(req);
    if (credential === undefined) throw ApiError.unauthorized('wake stream token required (workers derive it from SECRETS_KEY)');
    if (!safeEqual(credential, wake.token)) throw ApiError.unauthorized("invalid wake stream token: the worker's SECRETS_KEY must be the server's");
    if (wake.hub.isClosed) throw new ApiError(503, 'service_unavailable', 'the server is shutting down; reconnect to the next one');
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      // A stream's connection is never reused: closing it with the stream lets shutdown finish at once.
      connection: 'close',
      // Proxies that buffer responses (nginx) would hold wakes back.
      'x-accel-buffering': 'no',
    });
    // Sent at once, so the worker knows it is subscribed before the first wake.
    res.write(': subscribed\n\n');
    const unsubscribe = wake.hub.subscribe(res);
    res.once('close', unsubscribe);
  });
  return router;
}

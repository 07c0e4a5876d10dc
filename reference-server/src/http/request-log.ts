// Request logging: one line per request once its response is finished (or the connection closed),
// at debug for success, info for 4xx and error for 5xx, with the request id at the top level.
// Hand-written rather than pino-http because pino-http builds two child loggers and serialises the
// request on every request even when the level logs nothing: 6.8 % of the server's busy time in the
// ingest profile (docs/BENCHMARKS.md). Here a request the level does not log costs one listener.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * Logs each request's completion through `logger`: `request completed` (or `request errored` for a
 * 5xx) with `request_id`, `req` (method, url), `res` (statusCode) and `responseTime` in ms.
 * @example app.use(requestId(ids)); app.use(requestLog(logger));
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const failed = res.statusCode >= 500;
      const level = failed ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const line = {
        request_id: res.locals.requestId as string | undefined,
        req: { method: req.method, url: req.originalUrl },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
        ...(failed ? { err: new Error(`failed with status code ${res.statusCode}`) } : {}),
      };
      logger[level](line, failed ? 'request errored' : 'request completed');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}

// What `npm start` prints when the server cannot start: one line naming the setting to change for
// the failures a setting causes (a taken or forbidden port, a HOST that is not this machine's, a
// DYNAMODB_ENDPOINT that does not answer), and the error's own message for anything else.
import type { Config } from './config.js';

/** Network errors that mean nothing answered at an address. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The line for a failed start, beginning `cannot start:`.
 * @example startFailure(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), config)
 */
export function startFailure(err: unknown, config: Pick<Config, 'HOST' | 'PORT' | 'DYNAMODB_ENDPOINT'>): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: string; syscall?: string; hostname?: string };
  const message = err instanceof Error ? err.message : String(err);
  const at = `${config.HOST}:${config.PORT}`;
  if (e.code === 'EADDRINUSE') return `cannot start: ${at} is already in use (set PORT to another port)`;
  if (e.code === 'EACCES' && e.syscall === 'listen') return `cannot start: no permission to listen on ${at} (set PORT to 1024 or above)`;
  const listening = e.syscall === 'listen' || (e.syscall === 'getaddrinfo' && e.hostname === config.HOST);
  if (listening && (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')) {
    return `cannot start: HOST=${config.HOST} is not an address of this machine (set HOST to 127.0.0.1, or 0.0.0.0 for every interface)`;
  }
  if (config.DYNAMODB_ENDPOINT !== undefined && e.code !== undefined && UNREACHABLE.has(e.code)) {
    return `cannot start: DynamoDB at DYNAMODB_ENDPOINT=${config.DYNAMODB_ENDPOINT} did not answer (${message}); start it, or unset DYNAMODB_ENDPOINT to use the embedded store`;
  }
  return `cannot start: ${message}`;
}

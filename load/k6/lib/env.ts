// The environment every k6 script reads: the same names the scenario runner uses, with the
// playground's addresses as defaults so `docker compose run k6 ...` needs no flags.

/** Where the scripts send traffic and faults. */
export interface K6Env {
  /** The Triggers API (`AFTERSHOCK_TARGET_URL`, default http://api:8080). */
  targetUrl: string;
  /** Admin token for keys and `/_chaos` (`AFTERSHOCK_ADMIN_TOKEN`, the runner's default admin_token_env). */
  adminToken: string;
  /** Toxiproxy's HTTP API (`TOXIPROXY_URL`, default http://toxiproxy:8474). */
  toxiproxyUrl: string;
  /** Where the webhook the script registers points: through the receiver link (`AFTERSHOCK_RECEIVER_URL`). */
  receiverUrl: string;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Reads the environment once, in the init context; throws a one-line message when the token is missing. */
export function readEnv(): K6Env {
  const adminToken = __ENV.AFTERSHOCK_ADMIN_TOKEN ?? '';
  if (adminToken === '') throw new Error('set AFTERSHOCK_ADMIN_TOKEN to the target\'s ADMIN_TOKEN (k6 run -e AFTERSHOCK_ADMIN_TOKEN=...)');
  return {
    targetUrl: trimSlash(__ENV.AFTERSHOCK_TARGET_URL ?? 'http://api:8080'),
    adminToken,
    toxiproxyUrl: trimSlash(__ENV.TOXIPROXY_URL ?? 'http://toxiproxy:8474'),
    receiverUrl: __ENV.AFTERSHOCK_RECEIVER_URL ?? 'http://toxiproxy:19000/hook',
  };
}

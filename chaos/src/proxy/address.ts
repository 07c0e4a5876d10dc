// Parses and prints "host:port" addresses the way Toxiproxy's listen and upstream fields use them.
// An empty host or "localhost" binds 127.0.0.1: the proxy never listens beyond loopback unless asked.
import type { HostPort } from './connection.js';

/** Parses `host:port` (`[v6]:port` too); empty input means 127.0.0.1 on a free port. */
export function parseAddress(text: string): { ok: true; value: HostPort } | { ok: false; message: string } {
  if (text === '') return { ok: true, value: { host: '127.0.0.1', port: 0 } };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { ok: false, message: `address ${text}: missing port in address` };
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || port > 65535) return { ok: false, message: `address ${text}: invalid port` };
  if (host === '' || host === 'localhost') host = '127.0.0.1';
  return { ok: true, value: { host, port } };
}

/** Prints an address as Go does: `127.0.0.1:8474`, `[::1]:8474`. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

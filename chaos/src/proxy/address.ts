// Parses, resolves and prints "host:port" addresses the way Toxiproxy's listen and upstream fields use
// them. An empty host or "localhost" binds 127.0.0.1: the proxy never listens beyond loopback unless asked.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HostPort } from './connection.js';

/** Resolves a host name to one IP address; injected so tests can control when a lookup finishes. */
export type HostLookup = (host: string) => Promise<string>;

/** The system resolver (`getaddrinfo`, so /etc/hosts applies), first address only. */
export const systemLookup: HostLookup = async (host) => (await dnsLookup(host)).address;

/** Parses `host:port` (`[v6]:port` too); empty input means 127.0.0.1 on a free port. */
export function parseAddress(text: string): { ok: true; value: HostPort } | { ok: false; message: string } {
  if (text === '') return { ok: true, value: { host: '127.0.0.1', port: 0 } };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { ok: false, message: `address ${text}: missing port in address` };
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || port > 65535) return { ok: false, message: `address ${portText}: invalid port` };
  if (host === '' || host === 'localhost') host = '127.0.0.1';
  return { ok: true, value: { host, port } };
}

/**
 * Parses and resolves a listen address to an IP and port, as Go's `net.ResolveTCPAddr` does before a
 * proxy is touched. Fails with Go's wording: `address nope: missing port in address`,
 * `address 99999: invalid port`, `lookup nope.invalid: no such host`.
 */
export async function resolveAddress(
  text: string,
  lookup: HostLookup,
): Promise<{ ok: true; value: HostPort } | { ok: false; message: string }> {
  const parsed = parseAddress(text);
  if (!parsed.ok || isIP(parsed.value.host) !== 0) return parsed;
  try {
    return { ok: true, value: { host: await lookup(parsed.value.host), port: parsed.value.port } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOTFOUND' ? 'no such host' : (code ?? (error as Error).message);
    return { ok: false, message: `lookup ${parsed.value.host}: ${reason}` };
  }
}

/** Prints an address as Go does: `127.0.0.1:8474`, `[::1]:8474`. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

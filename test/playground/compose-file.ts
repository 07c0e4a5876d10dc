// Reads the playground's committed files (docker-compose.yml, the Toxiproxy populate file) the way
// Compose would, for the tests that validate them and for the native rehearsal that reuses them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const root = resolve(import.meta.dirname, '../..');

/** The parts of a Compose service the tests look at. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** One entry of the populate file. */
export interface PopulateEntry {
  name: string;
  listen: string;
  upstream: string;
  enabled?: boolean;
}

/** docker-compose.yml parsed with YAML merge keys (`<<: *anchor`) applied, as Compose applies them. */
export function readCompose(): ComposeFile {
  return parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/** playground/toxiproxy.json, the file the compose Toxiproxy is started with. */
export function readPopulateFile(): PopulateEntry[] {
  return JSON.parse(readFileSync(resolve(root, 'playground/toxiproxy.json'), 'utf8')) as PopulateEntry[];
}

/**
 * A service's environment as strings, with `${NAME:-default}` resolved to its default (the playground
 * as started without overrides). Throws on `${NAME}` without a default: the stack must start as committed.
 */
export function serviceEnv(compose: ComposeFile, service: string): Record<string, string> {
  const env = compose.services[service]?.environment ?? {};
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      String(value).replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, variable: string, fallback?: string) => {
        if (fallback === undefined) throw new Error(`${service}.${name} needs ${variable} set; give it a default`);
        return fallback;
      }),
    ]),
  );
}

/**
 * Replaces every `http://service:port` (and bare `service:port`) in `value` by the address `where`
 * maps it to: how the rehearsal turns container hostnames into 127.0.0.1 and free ports.
 */
export function rewriteHosts(value: string, where: Record<string, string>): string {
  return value.replace(/\b([a-z][a-z0-9-]*):(\d+)\b/g, (whole, host: string, port: string) => where[`${host}:${port}`] ?? whole);
}

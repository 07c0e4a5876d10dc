// Which webhook targets the server may call: address classification, the production policy with a
// CIDR allowlist, and URL checks at registration. The dialler (http/webhook-dispatcher.ts) applies
// the same policy to every address it resolves. IP and CIDR parsing is hand-written (BigInt
// arithmetic) because domain/ stays free of node:net and its BlockList.

/** What kind of address an IP is; only `public` is reachable in production without an allowlist. */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unique_local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'public';

interface Ip {
  family: 4 | 6;
  value: bigint;
}

interface Cidr extends Ip {
  prefix: number;
}

// First match wins, so the narrow ranges (metadata, 0.0.0.0) sit before the ranges holding them.
const V4_RANGES = table([
  ['0.0.0.0/32', 'unspecified'], ['0.0.0.0/8', 'reserved'], ['127.0.0.0/8', 'loopback'],
  ['10.0.0.0/8', 'private'], ['172.16.0.0/12', 'private'], ['192.168.0.0/16', 'private'],
  ['169.254.169.254/32', 'metadata'], ['169.254.0.0/16', 'link_local'], ['100.64.0.0/10', 'cgnat'],
  ['192.0.0.0/24', 'reserved'], ['192.0.2.0/24', 'reserved'], ['192.88.99.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'], ['198.51.100.0/24', 'reserved'], ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'], ['240.0.0.0/4', 'reserved'],
]);
// Anything outside 2000::/3 (the global unicast space) is not a routable public address today.
const V6_RANGES = table([
  ['::/128', 'unspecified'], ['::1/128', 'loopback'], ['fd00:ec2::254/128', 'metadata'],
  ['fc00::/7', 'unique_local'], ['fe80::/10', 'link_local'], ['fec0::/10', 'reserved'],
  ['ff00::/8', 'multicast'], ['2001:db8::/32', 'reserved'], ['100::/64', 'reserved'],
  ['2000::/3', 'public'], ['::/0', 'reserved'],
]);
// IPv6 forms that carry an IPv4 address in their last 32 bits and reach that IPv4 host:
// IPv4-mapped (::ffff:a.b.c.d) and the NAT64 well-known prefix (64:ff9b::/96). Other embeddings
// (6to4 2002::/16, Teredo 2001::/32, local NAT64 prefixes) are not decoded; they classify by their
// IPv6 range, as what the dialler reaches is the IPv6 host or relay.
const EMBEDS_V4 = [cidr('::ffff:0:0/96'), cidr('64:ff9b::/96')];

/** Classifies an IPv4 or IPv6 address (zone ids ignored); text that is no IP classifies `reserved`. */
export function classifyAddress(ip: string): AddressClass {
  const parsed = parseIp(ip);
  if (!parsed) return 'reserved';
  const address = unwrapV4(parsed);
  const ranges = address.family === 4 ? V4_RANGES : V6_RANGES;
  return ranges.find(([range]) => contains(range, address))?.[1] ?? 'public';
}

/** The outbound policy: `production` refuses all but public addresses and `allowCidrs` entries. */
export interface SsrfPolicyOptions {
  production: boolean;
  /** CIDRs reachable even in production (e.g. `10.1.0.0/16`); entries that do not parse match nothing. */
  allowCidrs: readonly string[];
}

/** Whether the server may connect to `ip`; outside production every address is allowed. */
export function isAddressAllowed(
  ip: string,
  options: SsrfPolicyOptions,
): { allowed: true } | { allowed: false; reason: string } {
  if (!options.production) return { allowed: true };
  const parsed = parseIp(ip);
  if (!parsed) return { allowed: false, reason: `${ip} is not an IP address` };
  const forms = [parsed, unwrapV4(parsed)];
  const listed = options.allowCidrs.some((text) => {
    const range = parseCidr(text);
    return range !== undefined && forms.some((form) => contains(range, form));
  });
  if (listed) return { allowed: true };
  const kind = classifyAddress(ip);
  if (kind === 'public') return { allowed: true };
  return { allowed: false, reason: `${ip} is a ${kind} address, refused in production (allowlist: WEBHOOK_ALLOW_CIDRS)` };
}

/**
 * Registration checks for a webhook URL: http or https, a host, no `user:pass@`; in production also
 * no `localhost`, `*.localhost`, `metadata.google.internal`, and no literal IP the policy refuses.
 * Hostnames are checked again by address when dialled.
 */
export function validateWebhookUrl(
  url: string,
  options: { production: boolean; allowCidrs?: readonly string[] },
): { ok: true; url: URL } | { ok: false; message: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: 'url must be an absolute http or https URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, message: `url must use http or https, not ${parsed.protocol.replace(':', '')}` };
  }
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, message: 'url must not contain credentials' };
  if (parsed.hostname === '') return { ok: false, message: 'url must have a host' };
  if (!options.production) return { ok: true, url: parsed };
  const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === 'metadata.google.internal') {
    return { ok: false, message: `url host ${host} is not reachable from production` };
  }
  if (parseIp(host)) {
    const verdict = isAddressAllowed(host, { production: true, allowCidrs: options.allowCidrs ?? [] });
    if (!verdict.allowed) return { ok: false, message: `url host ${verdict.reason}` };
  }
  return { ok: true, url: parsed };
}

/** Parses `address/prefix` (IPv4 or IPv6); `undefined` when it is not a CIDR. For config checks. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  const ip = match ? parseIp(match[1] as string) : undefined;
  const prefix = Number(match?.[2]);
  if (!ip || prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ...ip, prefix };
}

function contains(range: Cidr, ip: Ip): boolean {
  if (range.family !== ip.family) return false;
  const shift = BigInt((ip.family === 4 ? 32 : 128) - range.prefix);
  return range.value >> shift === ip.value >> shift;
}

function unwrapV4(ip: Ip): Ip {
  if (ip.family === 6 && EMBEDS_V4.some((range) => contains(range, ip))) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}

function parseIp(text: string): Ip | undefined {
  const v4 = parseV4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseV6(text.replace(/%.*$/, ''));
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

// Dotted decimal only, without leading zeros (which some parsers read as octal).
function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half, i) => hexGroups(half, i === halves.length - 1));
  if (groups.some((g) => g === undefined)) return undefined;
  const [head = [], tail = []] = groups as number[][];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

// 16-bit groups of one side of `::`; the last side may end in a dotted IPv4 address (two groups).
function hexGroups(half: string, last: boolean): number[] | undefined {
  if (half === '') return [];
  const out: number[] = [];
  const parts = half.split(':');
  for (const [i, part] of parts.entries()) {
    const v4 = last && i === parts.length - 1 ? parseV4(part) : undefined;
    if (v4 !== undefined) out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(parseInt(part, 16));
    else return undefined;
  }
  return out;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad built-in CIDR ${text}`);
  return parsed;
}

function table(rows: [string, AddressClass][]): [Cidr, AddressClass][] {
  return rows.map(([text, kind]) => [cidr(text), kind]);
}

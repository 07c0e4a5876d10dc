// The SSRF policy: address classes (IPv4, IPv6, mapped and NAT64 forms), the production rule with
// its CIDR allowlist, and webhook URL checks at registration.
import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  isAddressAllowed,
  parseCidr,
  validateWebhookUrl,
  type AddressClass,
} from '../../../reference-server/src/domain/ssrf-policy.js';

const table: [string, AddressClass][] = [
  ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'],
  ['10.0.0.1', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'],
  ['172.32.0.1', 'public'], ['172.15.255.255', 'public'], ['8.8.8.8', 'public'], ['1.1.1.1', 'public'],
  ['169.254.169.254', 'metadata'], ['fd00:ec2::254', 'metadata'], ['169.254.1.1', 'link_local'],
  ['fe80::1', 'link_local'], ['fe80::1%eth0', 'link_local'], ['100.64.0.1', 'cgnat'], ['100.127.255.254', 'cgnat'],
  ['100.128.0.1', 'public'], ['fc00::1', 'unique_local'], ['fd12:3456::1', 'unique_local'],
  ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['0.1.2.3', 'reserved'],
  ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
  ['255.255.255.255', 'reserved'], ['240.0.0.1', 'reserved'], ['192.0.2.10', 'reserved'], ['2001:db8::1', 'reserved'],
  ['2606:4700:4700::1111', 'public'], ['2a00:1450:4001::200e', 'public'], ['1:2:3:4:5:6:7:8', 'reserved'],
  // IPv4-mapped IPv6, dotted and hex, and the NAT64 well-known prefix, classify as their IPv4 host.
  ['::ffff:10.0.0.1', 'private'], ['::ffff:a00:1', 'private'], ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'], ['::FFFF:169.254.169.254', 'metadata'], ['::ffff:a9fe:a9fe', 'metadata'],
  ['::ffff:0.0.0.0', 'unspecified'], ['::ffff:8.8.8.8', 'public'], ['64:ff9b::a00:1', 'private'], ['64:ff9b::808:808', 'public'],
  // Deprecated IPv4-compatible and SIIT-translated forms lie outside 2000::/3, so they are refused too.
  ['::127.0.0.1', 'reserved'], ['::ffff:0:7f00:1', 'reserved'],
  // Not IP addresses (including forms some parsers accept: octal, short and zone-only text).
  ['localhost', 'reserved'], ['010.0.0.1', 'reserved'], ['127.1', 'reserved'], ['1::2::3', 'reserved'], ['', 'reserved'],
  ['1:2:3:4:5:6:7:8:9', 'reserved'], ['12345::1', 'reserved'],
];
const production = { production: true, allowCidrs: [] };

describe('ssrf policy', () => {
  it.each(table)('classifies %s as %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it('allows every address outside production', () => {
    for (const [ip] of table) expect(isAddressAllowed(ip, { production: false, allowCidrs: [] })).toEqual({ allowed: true });
  });

  it('allows only public addresses in production and says why it refuses the rest', () => {
    for (const [ip, kind] of table) {
      const verdict = isAddressAllowed(ip, production);
      expect(verdict.allowed, ip).toBe(kind === 'public');
    }
    expect(isAddressAllowed('::ffff:a00:1', production)).toEqual({
      allowed: false,
      reason: expect.stringContaining('private address'),
    });
    expect(isAddressAllowed('nope', production)).toEqual({ allowed: false, reason: 'nope is not an IP address' });
  });

  it('allows allowlisted CIDRs in production, for IPv4, IPv6 and mapped forms', () => {
    const policy = { production: true, allowCidrs: ['127.0.0.0/8', '10.1.0.0/16', 'fd00:1::/32', 'not a cidr'] };
    expect(isAddressAllowed('127.0.0.1', policy).allowed).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', policy).allowed).toBe(true);
    expect(isAddressAllowed('10.1.200.3', policy).allowed).toBe(true);
    expect(isAddressAllowed('::ffff:a01:1', policy).allowed).toBe(true);
    expect(isAddressAllowed('fd00:1:ffff::9', policy).allowed).toBe(true);
    expect(isAddressAllowed('10.2.0.1', policy).allowed).toBe(false);
    expect(isAddressAllowed('::1', policy).allowed).toBe(false);
    expect(isAddressAllowed('fd00:2::1', policy).allowed).toBe(false);
    expect(isAddressAllowed('169.254.169.254', { production: true, allowCidrs: ['0.0.0.0/0'] }).allowed).toBe(true);
  });

  it('parses CIDRs and rejects malformed ones', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8 });
    expect(parseCidr(' fd00::/8 ')).toMatchObject({ family: 6, prefix: 8 });
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '::/129', 'x/8', '10.0.0.0/-1', '10.0.0.0/8/8']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });

  it('accepts http and https URLs with a host and refuses other schemes and credentials', () => {
    expect(validateWebhookUrl('https://hooks.example.com/in?x=1', production)).toMatchObject({ ok: true });
    expect(validateWebhookUrl('http://127.0.0.1:8080/hook', { production: false })).toMatchObject({ ok: true });
    expect(validateWebhookUrl('not a url', { production: false })).toMatchObject({ ok: false, message: expect.stringContaining('absolute') });
    expect(validateWebhookUrl('ftp://example.com/', { production: false })).toMatchObject({ ok: false, message: expect.stringContaining('ftp') });
    expect(validateWebhookUrl('file:///etc/passwd', { production: false })).toMatchObject({ ok: false });
    expect(validateWebhookUrl('https://user:pw@example.com/', { production: false })).toEqual({ ok: false, message: 'url must not contain credentials' });
    expect(validateWebhookUrl('https://user@example.com/', { production: false })).toEqual({ ok: false, message: 'url must not contain credentials' });
  });

  it('refuses local names and non-public literal IPs in production, however they are spelled', () => {
    const refused = [
      'http://localhost/', 'http://LOCALHOST./', 'http://api.localhost:3000/', 'http://metadata.google.internal/computeMetadata/v1/',
      'http://127.0.0.1/', 'http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://0/', 'http://[::1]/',
      'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a00:1]/', 'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/', 'http://10.0.0.1/', 'http://[fe80::1]/',
    ];
    for (const url of refused) expect(validateWebhookUrl(url, production).ok, url).toBe(false);
    expect(validateWebhookUrl('http://10.1.2.3/', { production: true, allowCidrs: ['10.1.0.0/16'] }).ok).toBe(true);
    expect(validateWebhookUrl('http://8.8.8.8/', production).ok).toBe(true);
    expect(validateWebhookUrl('http://localhost/', { production: false }).ok).toBe(true);
  });
});

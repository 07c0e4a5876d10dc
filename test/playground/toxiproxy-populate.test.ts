// The Toxiproxy populate file the compose Toxiproxy starts with: it parses with our proxy's own
// request parser, loads through our /populate, and its links are the ones the compose services use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAddress } from '../../chaos/src/proxy/address.js';
import { parseProxyInput, requireProxyFields } from '../../chaos/src/proxy/proxy-input.js';
import { startToxiproxyServer, type ToxiproxyServer } from '../../chaos/src/proxy/server.js';
import { readCompose, readPopulateFile, serviceEnv } from './compose-file.js';

const entries = readPopulateFile();
const compose = readCompose();
let proxy: ToxiproxyServer;
beforeAll(async () => {
  proxy = await startToxiproxyServer({ port: 0, seed: 16 });
});
afterAll(async () => proxy?.close());

const listenPort = (name: string) => Number(entries.find((e) => e.name === name)?.listen.split(':').at(-1));

describe('playground/toxiproxy.json', () => {
  it('parses with the proxy\'s request parser: names, listen and upstream addresses', () => {
    for (const [i, entry] of entries.entries()) {
      const parsed = parseProxyInput(entry);
      expect(parsed.ok && requireProxyFields(parsed.value, ` at proxy ${i + 1}`).ok, JSON.stringify(entry)).toBe(true);
      expect(parseAddress(entry.listen).ok, entry.listen).toBe(true);
      expect(parseAddress(entry.upstream).ok, entry.upstream).toBe(true);
    }
  });

  it('loads through our /populate exactly as written, apart from the listen addresses', async () => {
    // The file listens on fixed ports of every interface, as a container must; here each gets a free loopback port.
    const body = entries.map((e) => ({ ...e, listen: '127.0.0.1:0' }));
    const res = await fetch(`${proxy.url}/populate`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    const { proxies } = (await res.json()) as { proxies: { name: string; upstream: string; enabled: boolean }[] };
    expect(proxies.map((p) => [p.name, p.upstream, p.enabled])).toEqual(entries.map((e) => [e.name, e.upstream, true]));
  });

  it('puts the dynamodb link in front of DynamoDB Local and the receiver link in front of the receiver', () => {
    const upstreams = Object.fromEntries(entries.map((e) => [e.name, e.upstream]));
    expect(upstreams).toEqual({ dynamodb: 'dynamodb:8000', receiver: 'receiver:9000' });
    for (const e of entries) expect(Object.keys(compose.services), e.upstream).toContain(e.upstream.split(':')[0]);
    expect(serviceEnv(compose, 'api').DYNAMODB_ENDPOINT).toBe(`http://toxiproxy:${listenPort('dynamodb')}`);
    expect(serviceEnv(compose, 'k6').AFTERSHOCK_RECEIVER_URL).toBe(`http://toxiproxy:${listenPort('receiver')}/hook`);
  });
});

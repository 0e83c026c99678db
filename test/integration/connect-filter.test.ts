/**
 * The sender's connect-time filter (guarded-agent.ts) on every URL form the form check refuses.
 * Loopback-equivalent forms go against servers this test starts on 127.0.0.1 and [::1]: refused
 * in production (nothing arrives), reached when the host allows loopback (so the refusal is the
 * filter, not an unreachable address). Forms that would leave this machine are never sent:
 * socket connects are stubbed out for those cases and the test checks none was even attempted.
 */
import http from 'node:http';
import net, { type AddressInfo, type LookupFunction } from 'node:net';
import { jest } from '@jest/globals';
import { agentOptions, guardLookup, targetRefusal } from '../../module/delivery/guarded-agent.js';
import { Sender } from '../../module/delivery/sender.js';

const production = { allowLoopback: false, allowPrivate: false };
const development = { allowLoopback: true, allowPrivate: false };

let v4: http.Server;
let v6: http.Server;
let port4 = 0;
let port6 = 0;
let arrived = 0;

async function listen(host: string): Promise<[http.Server, number]> {
  const server = http.createServer((_req, res) => {
    arrived += 1;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return [server, (server.address() as AddressInfo).port];
}

beforeAll(async () => {
  [v4, port4] = await listen('127.0.0.1');
  [v6, port6] = await listen('::1');
});
afterAll(async () => {
  for (const s of [v4, v6]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});
beforeEach(() => {
  arrived = 0;
});

async function send(network: typeof production, url: string) {
  const sender = new Sender({ network, timeoutMs: 2000 });
  try {
    return await sender.deliver({ webhook: { platform: 'json', url, signingSecret: null }, body: { x: 1 }, messageId: 'm' });
  } finally {
    sender.close();
  }
}

describe('connect-time filter, loopback-equivalent forms (servers on 127.0.0.1 and [::1])', () => {
  const forms = (): [string, string][] => [
    ['localhost.', `http://localhost.:${port4}/hook/secret`],
    ['localhost.localdomain', `http://localhost.localdomain:${port4}/hook/secret`],
    ['ip6-localhost', `http://ip6-localhost:${port6}/hook/secret`],
    ['localhost', `http://localhost:${port4}/hook/secret`],
    ['127.0.0.1', `http://127.0.0.1:${port4}/hook/secret`],
    ['[::ffff:127.0.0.1]', `http://[::ffff:127.0.0.1]:${port4}/hook/secret`],
    ['[::1]', `http://[::1]:${port6}/hook/secret`],
  ];

  it.each(forms().map(([name], i) => [name, i]))('production refuses %s before anything arrives', async (_name, i) => {
    const out = await send(production, forms()[i as number][1]);
    expect(out.outcome).toBe('dead');
    expect(out.error).toMatch(/address not allowed/);
    expect(JSON.stringify(out)).not.toContain('secret');
    expect(arrived).toBe(0);
  });

  it.each(['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]'])('the development policy reaches the server through %s', async (host) => {
    const port = host === '[::1]' ? port6 : port4;
    const out = await send(development, `http://${host}:${port}/hook`);
    expect(out.outcome).toBe('ok');
    expect(arrived).toBe(1);
  });
});

describe('connect-time filter, forms that leave this machine (never connected)', () => {
  let connect: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    // A safety net as much as a probe: if the filter let one through, nothing would be sent.
    connect = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket) {
      throw new Error('test: a connection was attempted');
    });
  });
  afterEach(() => connect.mockRestore());

  it.each([
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/hook'],
    ['IPv4-compatible link-local', 'http://[::a9fe:a9fe]/hook'],
    ['NAT64 link-local', 'http://[64:ff9b::a9fe:a9fe]/hook'],
    ['6to4 link-local', 'http://[2002:a9fe:a9fe::]/hook'],
    ['IPv4-mapped link-local', 'http://[::ffff:169.254.169.254]/hook'],
    ['cloud metadata name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['single-label name', 'http://metadata/latest'],
    ['link-local IPv4', 'http://169.254.169.254/latest/meta-data'],
    ['https, IPv4-compatible link-local', 'https://[::a9fe:a9fe]/hook'],
  ])('production refuses %s (%s) without connecting', async (_what, url) => {
    const out = await send(production, url);
    expect(out.outcome).toBe('dead');
    expect(out.error).toMatch(/address not allowed/);
    expect(connect).not.toHaveBeenCalled();
  });

  it('the stub sees a connection the filter lets through (to this test’s own server)', async () => {
    const out = await send(development, `http://127.0.0.1:${port4}/hook`);
    expect(out.outcome).not.toBe('ok');
    expect(connect).toHaveBeenCalled();
    expect(arrived).toBe(0);
  });

  it('the development policy still refuses private and internal targets', async () => {
    for (const url of ['http://[::a9fe:a9fe]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://metadata.google.internal/', 'http://10.0.0.5/']) {
      const out = await send(development, url);
      expect(out.error).toMatch(/address not allowed/);
    }
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('guardLookup: a public-looking name that resolves to a refused address (no traffic)', () => {
  const resolvingTo =
    (addresses: string[]): LookupFunction =>
    (_hostname, options, callback) => {
      const list = addresses.map((address) => ({ address, family: net.isIP(address) }));
      if (options.all) callback(null, list);
      else callback(null, list[0].address, list[0].family);
    };
  const resolve = (addresses: string[], all: boolean, network = production) =>
    new Promise<{ err: Error | null }>((done) =>
      guardLookup(resolvingTo(addresses), network)('hooks.example.com', { all }, (err) => done({ err })),
    );

  it.each([
    '127.0.0.1',
    '::1',
    '::ffff:127.0.0.1',
    '::127.0.0.1',
    '::a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:a9fe:a9fe::',
    '169.254.169.254',
    '10.1.2.3',
    'fd00::1',
    '0.0.0.0',
  ])('refuses %s, alone or among public addresses', async (address) => {
    for (const all of [false, true]) {
      const { err } = await resolve(all ? ['93.184.215.14', address] : [address], all);
      expect(err?.message).toMatch(new RegExp(`resolves to ${address.replace(/\./g, '\\.')}, which is not allowed`));
    }
  });

  it('passes public addresses through, and loopback only when the host allows it', async () => {
    expect((await resolve(['93.184.215.14', '2606:4700::1111'], true)).err).toBeNull();
    expect((await resolve(['127.0.0.1'], false, development)).err).toBeNull();
    expect((await resolve(['169.254.169.254'], false, development)).err).not.toBeNull();
  });
});

describe('policy wiring', () => {
  it('keeps request-filtering-agent’s own range check on in production, as a second layer', () => {
    expect(agentOptions(production)).toEqual({ allowPrivateIPAddress: false, allowMetaIPAddress: false });
  });

  it('names the refused kind and the host, never more of the URL', () => {
    expect(targetRefusal('metadata.google.internal', production)?.message).toBe(
      "metadata.google.internal is not allowed: a private target (the host's network policy)",
    );
    expect(targetRefusal('discord.com', production)).toBeNull();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutboundRefused, fetchPublic, outboundRefusal } from '../../src/lib/outbound';

const refused = (url: string) => outboundRefusal(new URL(url));

describe('outboundRefusal', () => {
  it.each([
    // loopback in every IPv4 spelling the URL parser reads
    'http://127.0.0.1/x.png',
    'http://2130706433/x.png',
    'http://0x7f000001/x.png',
    'http://0x7f.0.0.1/x.png',
    'http://127.1/x.png',
    'http://0177.0.0.1/x.png',
    'http://017700000001/x.png',
    'http://127.0.0.1./x.png',
    'http://127.255.255.254:8080/x.png',
    // IPv6 forms
    'http://[::1]/x.png',
    'http://[0:0:0:0:0:0:0:1]/x.png',
    'http://[::ffff:127.0.0.1]/x.png',
    'http://[::ffff:7f00:1]/x.png',
    'http://[::ffff:169.254.169.254]/x.png',
    'http://[::127.0.0.1]/x.png',
    'http://[64:ff9b::7f00:1]/x.png',
    'http://[2002:7f00:1::]/x.png',
    'http://[fe80::1]/x.png',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[::]/x.png',
    // private, link-local, CGNAT, metadata, reserved
    'http://10.0.0.1/x.png',
    'http://172.16.5.4/x.png',
    'http://172.31.255.255/x.png',
    'http://192.168.1.1/x.png',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/x.png',
    'http://100.100.100.200/latest/meta-data/',
    'http://0.0.0.0/x.png',
    'http://0/x.png',
    'http://224.0.0.1/x.png',
    'http://255.255.255.255/x.png',
    // names
    'http://localhost/x.png',
    'http://LOCALHOST./x.png',
    'http://foo.localhost/x.png',
    'http://printer.local/x.png',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://metadata/x.png',
    'http://intranet/x.png',
    // schemes and credentials
    'ftp://example.com/x.png',
    'file:///etc/passwd',
    'http://user:pass@example.com/x.png',
    'http://user@example.com/x.png',
  ])('refuses %s', (url) => {
    expect(refused(url)).toBeTypeOf('string');
  });

  it.each(['https://example.com/cat.png', 'http://93.184.216.34/x.png', 'http://172.32.0.1/x.png', 'http://[2606:4700::6810:84e5]/x.png', 'https://images.example.com:8443/a.jpg'])(
    'allows %s',
    (url) => {
      expect(refused(url)).toBeUndefined();
    },
  );
});

describe('fetchPublic', () => {
  afterEach(() => vi.restoreAllMocks());

  it('follows redirects by hand and re-checks every hop', async () => {
    const seen: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = String(input);
      seen.push(url);
      expect(init?.redirect).toBe('manual');
      if (url.endsWith('/a')) return new Response(null, { status: 302, headers: { location: '/b' } });
      if (url.endsWith('/b')) return new Response(null, { status: 301, headers: { location: 'http://127.0.0.1/secret' } });
      return new Response('secret');
    });
    await expect(fetchPublic(new URL('https://example.com/a'))).rejects.toThrow(OutboundRefused);
    expect(seen).toEqual(['https://example.com/a', 'https://example.com/b']);
  });

  it('stops after a few hops', async () => {
    let n = 0;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(null, { status: 302, headers: { location: `/hop${++n}` } }));
    await expect(fetchPublic(new URL('https://example.com/start'))).rejects.toThrow(/more than 3 times/);
    expect(n).toBe(4);
  });

  it('answers the final response', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) =>
      String(input).endsWith('/a') ? new Response(null, { status: 307, headers: { location: 'https://cdn.example.com/b' } }) : new Response('ok'),
    );
    expect(await (await fetchPublic(new URL('https://example.com/a'))).text()).toBe('ok');
  });
});

describe('what the IPv6 check relies on', () => {
  it('the URL parser writes IPv6 hosts in one canonical form: lower-case hex, :: compressed, IPv4 tails as hex, no zone id', () => {
    expect(new URL('http://[0:0:0:0:0:FFFF:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    expect(new URL('http://[2001:DB8:0000:0:0:0:0:01]/').hostname).toBe('[2001:db8::1]');
    expect(() => new URL('http://[fe80::1%25eth0]/')).toThrow();
  });
});

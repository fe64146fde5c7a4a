/**
 * The outbound fetch policy for URLs a client names (image_url and any later URL input): http(s)
 * only, no credentials in the URL, and no host that is loopback, private, link-local, CGNAT,
 * metadata, multicast/reserved or `localhost`-named, in any spelling. The WHATWG URL parser
 * already reads every IPv4 spelling (2130706433, 0x7f000001, 127.1, 0177.0.0.1) as dotted
 * decimal and compresses IPv6; this checks what it produced, after each redirect too
 * (redirects are followed by hand, a few hops at most).
 *
 * Names are not resolved (a Worker cannot): a public name that points at a private address is
 * left to the platform, which on Cloudflare's network does not route subrequests to private
 * addresses. See docs/limits.md.
 */

export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** [first address, prefix length] of IPv4 ranges no client URL may reach. */
const BLOCKED_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT (and cloud metadata such as 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const v4Number = (dotted: string) => dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);

const BLOCKED_V4_RANGES = BLOCKED_V4.map(([base, bits]) => {
  const size = 2 ** (32 - bits);
  const start = v4Number(base);
  return [start, start + size - 1] as const;
});

function blockedV4(n: number): boolean {
  return BLOCKED_V4_RANGES.some(([lo, hi]) => n >= lo && n <= hi);
}

/**
 * The eight 16-bit groups of an IPv6 address (without brackets) as the URL parser serialises it,
 * or undefined if it is not one. The parser's form is canonical: lower-case hex groups, `::` for
 * the longest run of zeros, no zone id, an embedded IPv4 address (::ffff:127.0.0.1) written as
 * two hex groups (::ffff:7f00:1); so there is no other spelling to read.
 */
function v6Groups(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return undefined;
  const groups = halves.length === 1 ? head : [...head, ...Array<number>(fill).fill(0), ...rest];
  return groups.some((g) => Number.isNaN(g)) ? undefined : groups;
}

function blockedV6(g: number[]): boolean {
  const v4At = (i: number) => g[i]! * 65536 + g[i + 1]!;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return true; // ::
  if (zeros(0, 7) && g[7] === 1) return true; // ::1
  if (zeros(0, 5) && g[5] === 0xffff) return blockedV4(v4At(6)); // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeros(0, 6)) return true; // ::a.b.c.d (IPv4-compatible, deprecated)
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return blockedV4(v4At(6)); // ::ffff:0:a.b.c.d (SIIT)
  if (g[0] === 0x64 && g[1] === 0xff9b) return g[2] === 1 || blockedV4(v4At(6)); // NAT64 64:ff9b::/96, 64:ff9b:1::/48
  if (g[0] === 0x2002) return blockedV4(v4At(1)); // 6to4 carries an IPv4 address
  if (g[0] === 0x2001 && g[1] === 0) return true; // Teredo
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // documentation
  if (g[0] === 0x100 && zeros(1, 4)) return true; // discard-only 100::/64
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // unique local fc00::/7 (AWS metadata fd00:ec2::254)
  if ((g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xffc0) === 0xfec0) return true; // link-local, site-local
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/** Names that mean "this machine" or "this network", whatever they resolve to. */
const LOCAL_NAME = /(?:^|\.)(?:localhost|localdomain|local|internal|intranet|lan|home|corp|private|home\.arpa|in-addr\.arpa|ip6\.arpa)$/;
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.azure.com', 'instance-data', 'instance-data.ec2.internal']);

/** Why `url` may not be fetched on a client's behalf, or undefined when it may. */
export function outboundRefusal(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http(s) URLs are fetched';
  if (url.username || url.password) return 'URLs with credentials (user:password@) are not fetched';
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  if (!host) return 'the URL has no host';
  if (host.startsWith('[')) {
    const groups = v6Groups(host.slice(1, -1));
    if (!groups) return 'the URL has an unreadable IPv6 host';
    return blockedV6(groups) ? 'the URL points at a loopback, private, link-local or reserved IPv6 address' : undefined;
  }
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) {
    return blockedV4(v4Number(host)) ? 'the URL points at a loopback, private, link-local, CGNAT, metadata or reserved address' : undefined;
  }
  if (!host.includes('.') || LOCAL_NAME.test(host) || METADATA_NAMES.has(host)) return 'the URL names a local or internal host';
  return undefined;
}

export const MAX_REDIRECTS = 3;

/**
 * fetch(), following redirects by hand so every hop is checked against the policy (at most
 * MAX_REDIRECTS). Throws OutboundRefused for a refused URL, a refused redirect target, or too
 * many hops; network failures and aborts are thrown as fetch throws them.
 */
export async function fetchPublic(url: URL, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const refusal = outboundRefusal(current);
    if (refusal) throw new OutboundRefused(hop ? `It redirects to a URL that is not allowed: ${refusal}.` : `The URL is not allowed: ${refusal}.`);
    const res = await fetch(current.href, { ...init, method: 'GET', redirect: 'manual' });
    if (res.status < 300 || res.status > 399 || res.status === 304) return res;
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) throw new OutboundRefused(`It answered HTTP ${res.status} without a Location.`);
    if (hop >= MAX_REDIRECTS) throw new OutboundRefused(`It redirects more than ${MAX_REDIRECTS} times.`);
    try {
      current = new URL(location, current);
    } catch {
      throw new OutboundRefused('It redirects to an unreadable URL.');
    }
  }
}

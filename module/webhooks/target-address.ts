/**
 * Where a webhook target points, by its name or address alone (no DNS): the public internet,
 * this machine (loopback), or a network the host did not open (private). One classification
 * read by the URL form (early, explainable refusal) and by the sender's agent at connect time
 * (on the literal address and on every address a name resolves to), so both refuse the same
 * targets. Addresses are read with ipaddr.js (the library request-filtering-agent uses).
 */
import ipaddr from 'ipaddr.js';
import type { NetworkPolicy } from '../../sdk/module-context.js';

export type TargetKind = 'public' | 'loopback' | 'private';

/** Names every resolver maps to this machine (RFC 6761 `.localhost`, Debian/Red Hat /etc/hosts aliases). */
const loopbackNames = new Set([
  'localhost',
  'localhost.localdomain',
  'localhost6',
  'localhost6.localdomain6',
  'ip6-localhost',
  'ip6-loopback',
]);

/**
 * Suffixes that only mean something inside a network: `.internal` (ICANN, 2024; cloud metadata
 * such as metadata.google.internal), `.local` (mDNS), `home.arpa` (RFC 8375), and the private
 * TLDs RFC 6762 appendix G lists as in common use.
 */
const internalSuffixes = ['internal', 'local', 'localdomain', 'home.arpa', 'lan', 'intranet', 'corp', 'home', 'private'];

function kindOfIPv4(addr: ipaddr.IPv4): TargetKind {
  const range = addr.range();
  if (range === 'unicast') return 'public';
  // 0.0.0.0/8 reaches this machine on Linux.
  return range === 'loopback' || range === 'unspecified' ? 'loopback' : 'private';
}

/**
 * The IPv4 address inside an IPv6 transition form, or null. IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-translated `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d` (deprecated, but some stacks
 * still route it), NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:aabb:ccdd::`.
 */
function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = addr.parts;
  const tail = () => new ipaddr.IPv4([p[6] >> 8, p[6] & 0xff, p[7] >> 8, p[7] & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (p[5] === 0xffff || p[5] === 0)) return tail();
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return tail();
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return tail();
  if (p[0] === 0x2002) return new ipaddr.IPv4([p[1] >> 8, p[1] & 0xff, p[2] >> 8, p[2] & 0xff]);
  return null;
}

/** The kind of an IP address (no brackets), or null when `ip` is not an address. */
export function classifyAddress(ip: string): TargetKind | null {
  if (!ipaddr.isValid(ip)) return null;
  // parse() reads `::127.0.0.1` as `::ffff:127.0.0.1`; the numeric parts keep the real address.
  const addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv4') return kindOfIPv4(addr as ipaddr.IPv4);
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'loopback' || range === 'unspecified') return 'loopback';
  const inner = embeddedIPv4(v6);
  if (inner) {
    // A public IPv4 inside a transition form is still not how a public webhook is addressed, and
    // request-filtering-agent refuses those ranges too: private, so both checks agree.
    const kind = kindOfIPv4(inner);
    return kind === 'loopback' ? 'loopback' : 'private';
  }
  return range === 'unicast' ? 'public' : 'private';
}

/** The kind of a URL's hostname: an IP literal (brackets allowed) or a name, a trailing dot ignored. */
export function classifyHost(hostname: string): TargetKind {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const literal = classifyAddress(host);
  if (literal) return literal;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (loopbackNames.has(name) || name.endsWith('.localhost')) return 'loopback';
  // A single label ("metadata", "router") is completed by the resolver's search domains: internal.
  if (!name.includes('.')) return 'private';
  if (internalSuffixes.some((s) => name === s || name.endsWith(`.${s}`))) return 'private';
  return 'public';
}

/** Null when the host's policy lets a target of this kind through, otherwise the kind refused. */
export function refusedKind(kind: TargetKind, network: NetworkPolicy): Exclude<TargetKind, 'public'> | null {
  if (kind === 'loopback') return network.allowLoopback ? null : 'loopback';
  if (kind === 'private') return network.allowPrivate ? null : 'private';
  return null;
}

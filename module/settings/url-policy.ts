/**
 * Resolve-free checks of a webhook URL the admin typed: scheme, and (outside the
 * development profile) literal loopback/private/link-local addresses and `localhost`.
 * The sender's filtering agent re-checks every resolved address at connect time; this is
 * the early, explainable refusal on the form.
 */
import net from 'node:net';
import type { NetworkPolicy } from '../../sdk/module-context.js';

/** A reason key under `settings.errors.*` (translated by the caller), or null when allowed. */
export type UrlRefusal = 'url_invalid' | 'url_scheme' | 'url_credentials' | 'url_loopback' | 'url_private';

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('0.0.0.0', 8, 'ipv4');
loopback.addAddress('::', 'ipv6');

const privateRanges = new net.BlockList();
for (const [addr, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
  ['192.0.0.0', 24],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(addr, prefix, 'ipv4');
}
privateRanges.addSubnet('fc00::', 7, 'ipv6');
privateRanges.addSubnet('fe80::', 10, 'ipv6');
privateRanges.addSubnet('ff00::', 8, 'ipv6');

/** `[::ffff:127.0.0.1]` -> `127.0.0.1`; brackets removed. */
function literalAddress(hostname: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const h = hostname.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(h);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  const kind = net.isIP(h);
  if (kind === 4) return { address: h, family: 'ipv4' };
  if (kind === 6) return { address: h, family: 'ipv6' };
  return null;
}

export function checkWebhookUrl(raw: string, network: NetworkPolicy): UrlRefusal | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url_invalid';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'url_scheme';
  if (!u.hostname) return 'url_invalid';
  if (u.username || u.password) return 'url_credentials';
  const host = u.hostname.toLowerCase();
  const literal = literalAddress(host);
  const isLoopback =
    host === 'localhost' || host.endsWith('.localhost') || (literal !== null && loopback.check(literal.address, literal.family));
  if (isLoopback) return network.allowLoopback ? null : 'url_loopback';
  if (literal && privateRanges.check(literal.address, literal.family)) return network.allowPrivate ? null : 'url_private';
  return null;
}

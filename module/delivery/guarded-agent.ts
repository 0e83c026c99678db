/**
 * The sender's http(s) agents: request-filtering-agent, plus the module's own target
 * classification (`classifyHost`, the one the URL form uses) applied at connect time, before
 * any socket is opened — to the URL's host (a name such as `localhost.` or
 * `metadata.google.internal`, or a literal such as `[::a9fe:a9fe]`, which the agent's own range
 * check reads as public unicast) and to every address a name resolves to (DNS rebinding).
 * The refusal's message says "is not allowed", which classifyNetworkError reads as a refused
 * address: dead at once, never retried.
 */
import dns from 'node:dns';
import net, { type LookupFunction, type TcpNetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent, type RequestFilteringAgentOptions } from 'request-filtering-agent';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import type { NetworkPolicy } from '../../sdk/module-context.js';
import { classifyAddress, classifyHost, refusedKind } from '../webhooks/target-address.js';

type ConnectionListener = (error: Error | null, socket: Duplex) => void;

/**
 * The agent's own range check: in production (nothing allowed) it refuses every non-unicast
 * address, a second, independent layer. When the host allows loopback or private targets the
 * guard above decides which (the agent's allow list cannot name IPv4 and IPv6 ranges together
 * without warning on every connection).
 */
export function agentOptions(network: NetworkPolicy): RequestFilteringAgentOptions {
  return {
    allowPrivateIPAddress: network.allowPrivate || network.allowLoopback,
    allowMetaIPAddress: false,
  };
}

/** Null when the host's policy allows `host` (a name or an address), else the refusal. */
export function targetRefusal(host: string, network: NetworkPolicy): Error | null {
  const refused = refusedKind(classifyHost(host), network);
  return refused ? new Error(`${host} is not allowed: a ${refused} target (the host's network policy)`) : null;
}

/** Wraps a resolver so a name that resolves to a refused address fails before connecting. */
export function guardLookup(lookup: LookupFunction, network: NetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const list = Array.isArray(address) ? address : [{ address, family: family ?? 0 }];
      for (const entry of list) {
        const refused = refusedKind(classifyAddress(entry.address) ?? 'private', network);
        if (refused)
          return callback(
            new Error(`${hostname} resolves to ${entry.address}, which is not allowed: a ${refused} address`),
            address,
            family,
          );
      }
      callback(null, address, family);
    });
  };
}

function refusedSocket(error: Error, listener?: ConnectionListener): net.Socket {
  const socket = new net.Socket();
  if (listener) listener(error, socket);
  else socket.destroy(error);
  return socket;
}

function guardedConnect(
  network: NetworkPolicy,
  options: TcpNetConnectOpts,
  listener: ConnectionListener | undefined,
  next: (options: TcpNetConnectOpts, listener?: ConnectionListener) => Duplex,
): Duplex {
  const refusal = options.host === undefined ? null : targetRefusal(options.host, network);
  if (refusal) return refusedSocket(refusal, listener);
  const lookup = guardLookup(options.lookup ?? (dns.lookup as LookupFunction), network);
  return next({ ...options, lookup }, listener);
}

export class GuardedHttpAgent extends RequestFilteringHttpAgent {
  private readonly network: NetworkPolicy;

  constructor(network: NetworkPolicy, options: HttpsAgentOptions = {}) {
    super({ ...options, ...agentOptions(network) });
    this.network = network;
  }

  override createConnection(options: TcpNetConnectOpts, listener?: ConnectionListener) {
    return guardedConnect(this.network, options, listener, (o, l) => super.createConnection(o, l));
  }
}

export class GuardedHttpsAgent extends RequestFilteringHttpsAgent {
  private readonly network: NetworkPolicy;

  constructor(network: NetworkPolicy, options: HttpsAgentOptions = {}) {
    super({ ...options, ...agentOptions(network) });
    this.network = network;
  }

  override createConnection(options: TcpNetConnectOpts, listener?: ConnectionListener) {
    return guardedConnect(this.network, options, listener, (o, l) => super.createConnection(o, l));
  }
}

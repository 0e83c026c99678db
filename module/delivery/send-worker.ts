/**
 * Thread side of send-thread.ts (piscina loads this file from the built module): the requests to
 * webhook targets, with the agents and their kept-alive sockets living on this thread.
 */
import { workerData } from 'node:worker_threads';
import { GotExchange, type ExchangeOptions, type ExchangeRequest, type ExchangeResult } from './http-exchange.js';

const exchange = new GotExchange(workerData as ExchangeOptions);

export default function send(req: ExchangeRequest): Promise<ExchangeResult> {
  return exchange.exchange(req);
}

/**
 * Payloads of each wrong shape and size, as raw bytes for the simulator's HTTP endpoint.
 * Each case says what must hold:
 *  - `rejected`: the simulator answers 4xx with an error that names `field`, and nothing is queued;
 *  - `accepted`: the simulator answers 2xx and the message reaches the sink (nothing lost);
 *  - `either`: the input has no single right answer (invalid UTF-8, NUL bytes, a 20-digit id):
 *    a clear 4xx naming `field`, or 2xx and delivered; never a 5xx, never accepted-then-lost.
 * In every case the host stays up.
 */
import { sampleEvent } from '../../sdk/sample-events.js';
import type { EventName } from '../../sdk/events.js';

export type Expectation =
  { kind: 'rejected'; field: string; statuses?: number[] } | { kind: 'accepted' } | { kind: 'either'; field: string };

export interface PayloadCase {
  name: string;
  event: EventName;
  /** Exactly the bytes sent as the request body (Content-Type: application/json). */
  body: Buffer;
  expect: Expectation;
  /** The eventId the module would deliver under, when the case can be accepted. */
  eventId?: string;
}

let seq = 9000;
// Deep copies: the samples share their customer objects, and the cases mutate what they get.
const order = () => structuredClone(sampleEvent('order.paid', { seq: ++seq })) as any;
const ticket = () => structuredClone(sampleEvent('ticket.submit', { seq: ++seq })) as any;
const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

function caseOf(name: string, event: EventName, payload: any, expect: Expectation): PayloadCase {
  return { name, event, body: json(payload), expect, eventId: payload?.eventId };
}

/** Splices raw bytes into a JSON text where the marker string (in quotes) stands. */
function withRawBytes(payload: any, marker: string, bytes: number[]): Buffer {
  const text = JSON.stringify(payload);
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`marker ${marker} not found`);
  return Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), Buffer.from(bytes), Buffer.from(text.slice(at + marker.length), 'utf8')]);
}

export function payloadCases(): PayloadCase[] {
  const cases: PayloadCase[] = [];

  // Missing fields
  let p = order();
  delete p.order.customer.email;
  cases.push(caseOf('missing order.customer.email', 'order.paid', p, { kind: 'rejected', field: 'order.customer.email' }));
  p = order();
  delete p.eventId;
  cases.push(caseOf('missing eventId', 'order.paid', p, { kind: 'rejected', field: 'eventId' }));
  p = ticket();
  delete p.ticket.department;
  cases.push(caseOf('missing ticket.department', 'ticket.submit', p, { kind: 'rejected', field: 'ticket.department' }));

  // Wrong types
  p = order();
  p.order.total = '12.50';
  cases.push(caseOf('order.total as a string', 'order.paid', p, { kind: 'rejected', field: 'order.total' }));
  p = order();
  p.order.items = { name: 'VPS' };
  cases.push(caseOf('order.items as an object', 'order.paid', p, { kind: 'rejected', field: 'order.items' }));
  p = ticket();
  p.ticket.priority = 5;
  cases.push(caseOf('ticket.priority as a number', 'ticket.submit', p, { kind: 'rejected', field: 'ticket.priority' }));
  p = ticket();
  p.message.author.staff = 'yes';
  cases.push(caseOf('message.author.staff as a string', 'ticket.submit', p, { kind: 'rejected', field: 'message.author.staff' }));
  cases.push({
    name: 'a JSON array instead of an object',
    event: 'order.paid',
    body: Buffer.from('[1,2,3]'),
    expect: { kind: 'rejected', field: '(payload)' },
  });
  cases.push({
    name: 'a JSON string instead of an object',
    event: 'order.paid',
    body: Buffer.from('"order"'),
    expect: { kind: 'rejected', field: '(payload)' },
  });

  // Sizes: 1 MB of message content is the schema's limit; one more character is not.
  p = ticket();
  p.message.content = 'x'.repeat(1_000_000);
  cases.push(caseOf('1 MB message.content (at the limit)', 'ticket.submit', p, { kind: 'accepted' }));
  p = ticket();
  p.message.content = 'é'.repeat(1_000_001);
  cases.push(
    caseOf('message.content over 1 000 000 characters (2 MB of UTF-8)', 'ticket.submit', p, {
      kind: 'rejected',
      field: 'message.content',
      statuses: [400, 413],
    }),
  );

  // Invalid UTF-8 and NUL bytes
  p = ticket();
  p.ticket.subject = '@@SUBJECT@@';
  cases.push({
    name: 'invalid UTF-8 bytes in ticket.subject',
    event: 'ticket.submit',
    body: withRawBytes(p, '@@SUBJECT@@', [0x53, 0x65, 0x72, 0xff, 0xfe, 0xc3, 0x28, 0x76, 0x65, 0x72]),
    expect: { kind: 'either', field: 'ticket.subject' },
    eventId: p.eventId,
  });
  p = ticket();
  p.message.content = 'avant\u0000après\u0000';
  p.ticket.customer.firstName = 'Ca\u0000mille';
  cases.push(
    caseOf('NUL bytes in message.content and customer.firstName', 'ticket.submit', p, { kind: 'either', field: 'message.content' }),
  );

  // Huge numbers
  p = order();
  p.order.total = 1e300;
  cases.push(caseOf('order.total = 1e300', 'order.paid', p, { kind: 'rejected', field: 'order.total' }));
  p = order();
  cases.push({
    name: 'order.total = 1e400 (Infinity once parsed)',
    event: 'order.paid',
    body: Buffer.from(JSON.stringify(p).replace(/"total":[0-9.]+/, '"total":1e400')),
    expect: { kind: 'rejected', field: 'order.total' },
  });
  p = order();
  p.order.items[0].quantity = 1e15;
  cases.push(caseOf('items[0].quantity = 1e15', 'order.paid', p, { kind: 'rejected', field: 'order.items.0.quantity' }));
  p = order();
  cases.push({
    name: 'order.id with 30 digits',
    event: 'order.paid',
    body: Buffer.from(JSON.stringify(p).replace(/"id":\d+,"total"/, '"id":123456789012345678901234567890,"total"')),
    expect: { kind: 'either', field: 'order.id' },
    eventId: p.eventId,
  });

  // Invalid and deeply nested JSON
  cases.push({
    name: 'truncated JSON',
    event: 'order.paid',
    body: Buffer.from('{"eventId":"evt_1","order":{"id":'),
    expect: { kind: 'rejected', field: 'JSON', statuses: [400] },
  });
  cases.push({
    name: 'JSON with a trailing comma',
    event: 'order.paid',
    body: Buffer.from('{"eventId":"evt_1",}'),
    expect: { kind: 'rejected', field: 'JSON', statuses: [400] },
  });
  p = order();
  p.order.comment = '@@DEEP@@';
  cases.push({
    name: 'order.comment nested 10 000 arrays deep',
    event: 'order.paid',
    body: Buffer.from(JSON.stringify(p).replace('"@@DEEP@@"', nested(10_000))),
    expect: { kind: 'rejected', field: 'order.comment' },
  });
  p = order();
  p.extra = '@@DEEP@@';
  cases.push({
    name: 'an unknown field nested 100 000 arrays deep',
    event: 'order.paid',
    body: Buffer.from(JSON.stringify(p).replace('"@@DEEP@@"', nested(100_000))),
    expect: { kind: 'either', field: 'extra' },
    eventId: p.eventId,
  });
  // Last on purpose: a delivery that keeps failing holds its webhook's ordered lane, so a case
  // after it would wait behind it.
  p = order();
  p.eventId = `evt_nul\u0000_${seq}`;
  cases.push(caseOf('NUL byte in eventId', 'order.paid', p, { kind: 'either', field: 'eventId' }));
  return cases;
}

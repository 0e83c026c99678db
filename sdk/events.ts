/**
 * The host's event map: the events a host emits for modules, their payload types and the
 * runtime schema of each. Both sides import it: the host validates what it emits (the
 * simulator answers 400 naming the bad field), the module validates what it receives.
 * This is the one runtime part of the SDK, because a payload type without a schema cannot
 * be checked at the boundary.
 */
import { z } from 'zod';

/**
 * Strings are normalised at the event boundary: a lone UTF-16 surrogate (JSON `"\ud800"`) has no
 * UTF-8 form, so every platform would receive invalid UTF-8; it becomes U+FFFD, as a UTF-8
 * decoder would make it.
 */
export const wellFormed = (s: string): string => s.replace(/\p{Cs}/gu, '\uFFFD');
const text = (max: number) => z.string().max(max).transform(wellFormed);
/**
 * Links in events become clickable in chat clients (Discord embed `url`, Teams `OpenUrl`, the JSON
 * body): only `http://` and `https://`, written out, with no whitespace or control character a URL
 * parser would strip (`" javascript:"`, `"java\tscript:"`), so `javascript:`, `data:` or
 * `vbscript:` never reaches a client. The URL is then sent as its WHATWG `href` (host in
 * punycode, path and query percent-encoded): a valid RFC 3986 URI, which Discord's embed `url`
 * and Teams' `Action.OpenUrl` require, and the same text on every platform and in the JSON body.
 */
const url = z
  .string()
  .max(2048)
  .refine((s) => !/[\s\p{Cc}]/u.test(s), { message: 'must be an http(s) URL without spaces or control characters', abort: true })
  .refine(isHttpUrl, { message: 'must be an http(s) URL', abort: true })
  .transform((s) => new URL(s).href)
  .refine((s) => s.length <= 2048, 'must be at most 2048 characters once percent-encoded');

function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    return new URL(s).hostname !== '';
  } catch {
    return false;
  }
}
const money = z.number().finite().min(0).max(1e12);
const isoDate = z.string().datetime({ offset: true });
/**
 * Event ids travel in HTTP headers (`webhook-id`) and idempotency keys: visible ASCII only, so a
 * control character or a space is refused here, with the field named, rather than failing at send time.
 */
const eventId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7E]+$/, 'must be visible ASCII characters (letters, digits, punctuation; no spaces or control characters)');

export const customerSchema = z.object({
  id: z.union([z.string().max(64).transform(wellFormed), z.number().int()]).optional(),
  firstName: text(200),
  lastName: text(200),
  email: z.string().max(320).email(),
  /** The customer's group in the host (`vip`, `reseller`), when it has groups. */
  group: text(100).nullable().optional(),
});

export const orderItemSchema = z.object({
  name: text(500),
  quantity: z.number().int().min(0).max(1e6),
  price: money,
});

export const orderPaidSchema = z.object({
  eventId,
  occurredAt: isoDate,
  order: z.object({
    id: z.union([z.string().min(1).max(64).transform(wellFormed), z.number().int().nonnegative()]),
    total: money,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    customer: customerSchema,
    paymentGateway: text(100),
    transactionId: text(200).nullable().optional(),
    comment: text(100_000).nullable().optional(),
    invoiceUrl: url,
    items: z.array(orderItemSchema).max(1000),
  }),
});

export const ticketPriorities = ['low', 'medium', 'high', 'urgent'] as const;

export const ticketSchema = z.object({
  id: z.union([z.string().min(1).max(64).transform(wellFormed), z.number().int().nonnegative()]),
  subject: text(1000),
  department: z.object({ id: z.union([z.string().max(64).transform(wellFormed), z.number().int()]), name: text(200) }),
  customer: customerSchema,
  priority: z.enum(ticketPriorities),
  createdAt: isoDate,
  url: url,
  related: z
    .object({ name: text(500), url: url })
    .nullable()
    .optional(),
});

export const ticketMessageSchema = z.object({
  content: text(1_000_000),
  author: z.object({ name: text(200), staff: z.boolean() }),
});

export const ticketSubmitSchema = z.object({
  eventId,
  occurredAt: isoDate,
  ticket: ticketSchema,
  message: ticketMessageSchema,
});
export const ticketReplySchema = ticketSubmitSchema;
export const ticketCloseSchema = z.object({
  eventId,
  occurredAt: isoDate,
  ticket: ticketSchema,
  message: ticketMessageSchema.nullable().optional(),
  /** Who closed (or reopened) the ticket, when the host knows: staff or the customer. */
  closedBy: ticketMessageSchema.shape.author.nullable().optional(),
});

const recordId = z.union([z.string().min(1).max(64).transform(wellFormed), z.number().int().nonnegative()]);
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
const envelope = { eventId, occurredAt: isoDate };
/** Why something happened (a failed payment, a suspension), as the host words it. */
const reason = text(2000);

/** An invoice of the billing side (ClientXCMS `Invoice`): amounts, due date, lines, link. */
export const invoiceSchema = z.object({
  id: recordId,
  /** The number printed on the invoice, when it differs from its id (`FA-2026-0042`). */
  number: text(64).nullable().optional(),
  total: money,
  currency,
  customer: customerSchema,
  dueDate: isoDate,
  paymentGateway: text(100).nullable().optional(),
  transactionId: text(200).nullable().optional(),
  items: z.array(orderItemSchema).max(1000),
  url: url,
});

const invoicePayload = <T extends z.ZodRawShape>(extra: T) => z.object({ ...envelope, invoice: invoiceSchema, ...extra });
export const invoiceCreatedSchema = invoicePayload({});
export const invoicePaidSchema = invoicePayload({});
export const invoicePaymentFailedSchema = invoicePayload({ reason });
export const invoiceRefundedSchema = invoicePayload({
  refund: z.object({ amount: money, reason: reason.nullable().optional() }),
});
export const invoiceCancelledSchema = invoicePayload({ reason: reason.nullable().optional() });
export const invoiceOverdueSchema = invoicePayload({ daysOverdue: z.number().int().min(1).max(36_500) });

/** A product of the catalogue and its group (`VPS`, `Minecraft`, `Domaines`). */
export const productSchema = z.object({ id: recordId, name: text(200), group: text(200) });

/** A customer's service (ClientXCMS `Service`): what was bought, for whom, until when, where. */
export const serviceSchema = z.object({
  id: recordId,
  name: text(200),
  hostname: text(253).nullable().optional(),
  product: productSchema,
  customer: customerSchema,
  price: money,
  currency,
  /** `monthly`, `quarterly`, `annually`… as the host names it. */
  billingCycle: text(50).nullable().optional(),
  /** The next due date; null for a service that does not expire. */
  expiresAt: isoDate.nullable().optional(),
  url: url,
});

const servicePayload = <T extends z.ZodRawShape>(extra: T) => z.object({ ...envelope, service: serviceSchema, ...extra });
export const serviceCreatedSchema = servicePayload({});
export const serviceDeliveredSchema = servicePayload({});
export const serviceDeliveryFailedSchema = servicePayload({ reason });
export const serviceRenewedSchema = servicePayload({ previousExpiresAt: isoDate.nullable().optional() });
export const serviceUpgradedSchema = servicePayload({ previousProduct: productSchema });
export const serviceSuspendedSchema = servicePayload({ reason });
export const serviceUnsuspendedSchema = servicePayload({});
/** Fired by the host N days before the due date (N is the host's setting). */
export const serviceExpiringSchema = servicePayload({ daysLeft: z.number().int().min(0).max(3650) });
export const serviceExpiredSchema = servicePayload({});
export const serviceCancelledSchema = servicePayload({ reason: reason.nullable().optional() });

export const customerRegisteredSchema = z.object({
  ...envelope,
  customer: customerSchema.extend({
    company: text(200).nullable().optional(),
    /** ISO 3166-1 alpha-2 (`FR`). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 code such as FR')
      .nullable()
      .optional(),
    url: url,
  }),
});

/** A closed ticket opened again (by the customer or by staff), with the message that did it if any. */
export const ticketReopenSchema = ticketCloseSchema;

/** A staff member took the ticket (a claim from the host's pages or from a chat's Claim button). */
export const ticketAssignedSchema = z.object({
  ...envelope,
  ticket: ticketSchema,
  staff: z.object({ id: text(64), name: text(200) }),
});

/**
 * Raised by the module itself (not the host): the ticket's last message is the customer's and no
 * staff answer came within `delayMinutes` (the webhook's setting) since `waitingSince`.
 */
export const ticketAwaitingStaffSchema = z.object({
  ...envelope,
  ticket: ticketSchema,
  /** The customer's message that has waited (its content cut to 2000 characters). */
  message: ticketMessageSchema,
  waitingSince: isoDate,
  delayMinutes: z.number().int().min(1).max(43_200),
});

/**
 * The webhook an operational event is about, as the admin sees it in the list: never its URL,
 * only the masked hint (`https://discord.com/api/webhooks/1234…/••••`).
 */
export const webhookRefSchema = z.object({
  id: z.number().int().nonnegative(),
  name: text(200),
  platform: text(40),
  urlHint: text(300),
});

/** Operational events: the module raises them about its own webhooks (Svix's operational webhooks). */
const opsPayload = <T extends z.ZodRawShape>(extra: T) => z.object({ ...envelope, webhook: webhookRefSchema, ...extra });
/** The target said it is gone (Discord's 404 Unknown Webhook, Slack's 410): disabled, its queue kept. */
export const webhooksDisabledSchema = opsPayload({ reason });
/** It kept answering 429 past the rate-limit budget: paused, its queue kept. */
export const webhooksPausedSchema = opsPayload({ reason });
/**
 * A delivery gave up (its last retry failed, or the platform refused its body). Coalesced: at most
 * one alert per webhook and window; `failures` counts the deliveries given up since the last alert.
 */
export const webhooksDeliveryFailedSchema = opsPayload({
  reason,
  failures: z.number().int().min(1).max(1e9),
  delivery: z.object({
    id: z.number().int().nonnegative(),
    event: text(64),
    eventId: text(128),
    reference: text(64).nullable().optional(),
    attempts: z.number().int().min(0).max(1e6),
  }),
});
/** A webhook that had failed (an alert above was raised) delivered again. */
export const webhooksRecoveredSchema = opsPayload({
  failingSince: isoDate,
  /** Deliveries given up while it was failing. */
  failures: z.number().int().min(0).max(1e9),
});

export const eventSchemas = {
  'order.paid': orderPaidSchema,
  'ticket.submit': ticketSubmitSchema,
  'ticket.reply': ticketReplySchema,
  'ticket.close': ticketCloseSchema,
  'ticket.reopen': ticketReopenSchema,
  'invoice.created': invoiceCreatedSchema,
  'invoice.paid': invoicePaidSchema,
  'invoice.payment_failed': invoicePaymentFailedSchema,
  'invoice.refunded': invoiceRefundedSchema,
  'invoice.cancelled': invoiceCancelledSchema,
  'invoice.overdue': invoiceOverdueSchema,
  'service.created': serviceCreatedSchema,
  'service.delivered': serviceDeliveredSchema,
  'service.delivery_failed': serviceDeliveryFailedSchema,
  'service.renewed': serviceRenewedSchema,
  'service.upgraded': serviceUpgradedSchema,
  'service.suspended': serviceSuspendedSchema,
  'service.unsuspended': serviceUnsuspendedSchema,
  'service.expiring': serviceExpiringSchema,
  'service.expired': serviceExpiredSchema,
  'service.cancelled': serviceCancelledSchema,
  'customer.registered': customerRegisteredSchema,
  'ticket.assigned': ticketAssignedSchema,
  'ticket.awaiting_staff': ticketAwaitingStaffSchema,
  'webhooks.disabled': webhooksDisabledSchema,
  'webhooks.paused': webhooksPausedSchema,
  'webhooks.delivery_failed': webhooksDeliveryFailedSchema,
  'webhooks.recovered': webhooksRecoveredSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export const eventNames = Object.keys(eventSchemas) as EventName[];
export type EventMap = { [K in EventName]: z.infer<(typeof eventSchemas)[K]> };
export type OrderPaidPayload = EventMap['order.paid'];
export type TicketEventPayload = EventMap['ticket.submit'] | EventMap['ticket.close'];
export type InvoiceEventName = Extract<EventName, `invoice.${string}`>;
export type ServiceEventName = Extract<EventName, `service.${string}`>;
/** The events the module raises about its own webhooks. */
export type OpsEventName = Extract<EventName, `webhooks.${string}`>;
export type OpsEventPayload = EventMap[OpsEventName];
export type InvoiceEventPayload = EventMap[InvoiceEventName];
export type ServiceEventPayload = EventMap[ServiceEventName];
export type TicketPriority = (typeof ticketPriorities)[number];
export type AnyEventPayload = EventMap[EventName];

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(eventSchemas, name);
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: { path: string; message: string }[] };

/** Validates a payload and names each bad field by its dotted path (`order.customer.email`). */
export function validateEvent<K extends EventName>(event: K, payload: unknown): ValidationResult<EventMap[K]> {
  return validateWith(eventSchemas[event] as unknown as z.ZodType<EventMap[K]>, payload);
}

/** The same for any event schema (a module's own event definitions). */
export function validateWith<T>(schema: z.ZodType<T>, payload: unknown): ValidationResult<T> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.map(String).join('.') : '(payload)',
      message: issue.message,
    })),
  };
}

export function describeIssues(issues: { path: string; message: string }[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

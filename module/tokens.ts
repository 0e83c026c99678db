/** tsyringe tokens of the module's services (explicit tokens: isolatedModules emits no param types). */
export const TOKENS = {
  ctx: Symbol('webhooks.ctx'),
  webhookStore: Symbol('webhooks.webhookStore'),
  outboxStore: Symbol('webhooks.outboxStore'),
  dispatcher: Symbol('webhooks.dispatcher'),
  httpClient: Symbol('webhooks.httpClient'),
} as const;

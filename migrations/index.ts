import type { ModuleMigration } from '../sdk/module-context.js';
import { createWebhooksAndDeliveries } from './001-create-webhooks-and-deliveries.js';
import { attemptsLanesAudit } from './002-attempts-lanes-audit.js';
import { deliveryLeases } from './003-delivery-leases.js';
import { rateLimitRuns } from './004-rate-limit-runs.js';
import { eventIntake } from './005-event-intake.js';
import { openDeliveriesIndex } from './006-open-deliveries-index.js';
import { deliveryReference } from './007-delivery-reference.js';
import { ticketThreads } from './008-ticket-threads.js';
import { eventTemplates } from './009-event-templates.js';
import { webhookCondition } from './010-webhook-condition.js';
import { optionsPerPlatformMigration } from './011-options-per-platform.js';
import { opsAlertsAndReminders } from './012-ops-alerts-and-reminders.js';
import { chatEvents } from './013-chat-events.js';

/** In order. Append new migrations; never edit a released one. */
export const migrations: ModuleMigration[] = [
  createWebhooksAndDeliveries,
  attemptsLanesAudit,
  deliveryLeases,
  rateLimitRuns,
  eventIntake,
  openDeliveriesIndex,
  deliveryReference,
  ticketThreads,
  eventTemplates,
  webhookCondition,
  optionsPerPlatformMigration,
  opsAlertsAndReminders,
  chatEvents,
];

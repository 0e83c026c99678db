/**
 * The JSON API's route table, under `<basePath>/api/`. The host has already checked the admin
 * token (401), the module permission and CSRF for cookie sessions (403) before a handler runs.
 * Answers never hold a full webhook URL: only `urlHint`. Each handler lives in `api/`, one file
 * per resource; `guarded` answers a refused query or body with a 400 naming the field.
 */
import { guarded, unguarded, webhookApi, type Route } from './api/api-answers.js';
import { listAudit } from './api/audit-api.js';
import { deliveryStats, getDelivery, listDeliveries, replayDelivery, retryFailed } from './api/deliveries-api.js';
import { detectPlatform, listVariables, validateForm } from './api/form-feedback-api.js';
import { countWaiting, resumeWebhook } from './api/pause-resume-api.js';
import { scrapeMetrics } from './api/metrics-api.js';
import { previewMessage } from './api/preview-api.js';
import { sendDraftTest, sendWebhookTest } from './api/test-send-api.js';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from './api/webhooks-api.js';
import type { SettingsDeps } from './settings-deps.js';
import { activityAnswer } from './webhook-activity.js';

export type { Route };

export function apiRoutes(deps: SettingsDeps): Route[] {
  return [
    { method: 'GET', path: '/webhooks', handler: guarded(deps, listWebhooks) },
    { method: 'POST', path: '/webhooks', handler: guarded(deps, createWebhook) },
    // The list's rows as they stand (issue 29), before `/webhooks/:id` would take `activity` for an id.
    { method: 'GET', path: '/webhooks/activity', handler: guarded(deps, activityAnswer) },
    { method: 'GET', path: '/webhooks/:id', handler: webhookApi(deps, getWebhook) },
    { method: 'PUT', path: '/webhooks/:id', handler: webhookApi(deps, updateWebhook) },
    { method: 'PATCH', path: '/webhooks/:id', handler: webhookApi(deps, updateWebhook) },
    { method: 'POST', path: '/webhooks/:id/resume', handler: webhookApi(deps, resumeWebhook) },
    { method: 'GET', path: '/webhooks/:id/waiting', handler: webhookApi(deps, countWaiting) },
    { method: 'DELETE', path: '/webhooks/:id', handler: webhookApi(deps, deleteWebhook) },
    { method: 'POST', path: '/webhooks/:id/test', handler: webhookApi(deps, sendWebhookTest) },
    { method: 'POST', path: '/test-draft', handler: guarded(deps, sendDraftTest) },
    { method: 'POST', path: '/validate', handler: guarded(deps, validateForm) },
    { method: 'POST', path: '/webhooks/:id/retry-failed', handler: webhookApi(deps, retryFailed) },
    { method: 'POST', path: '/preview', handler: guarded(deps, previewMessage) },
    { method: 'POST', path: '/detect-platform', handler: guarded(deps, detectPlatform) },
    { method: 'GET', path: '/variables', handler: guarded(deps, listVariables) },
    { method: 'GET', path: '/deliveries', handler: guarded(deps, listDeliveries) },
    { method: 'GET', path: '/deliveries/:id', handler: guarded(deps, getDelivery) },
    { method: 'POST', path: '/deliveries/:id/replay', handler: guarded(deps, replayDelivery) },
    { method: 'GET', path: '/audit', handler: guarded(deps, listAudit) },
    { method: 'GET', path: '/stats', handler: unguarded(deps, deliveryStats) },
    { method: 'GET', path: '/metrics', handler: unguarded(deps, scrapeMetrics) },
  ];
}

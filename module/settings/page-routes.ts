/**
 * The settings pages' route table (nunjucks views in `views/`, rendered by the host inside its
 * layout). Forms post back here with the host-checked `_csrf`; every value is escaped by the
 * engine. Each handler lives in `pages/`, one file per resource.
 */
import type { SettingsDeps } from './settings-deps.js';
import { showAuditLog } from './pages/audit-page.js';
import { APP_A, APP_B, postChatLinks, postDiscordApp, postSlackApp, showChatApps } from './pages/chat-apps-pages.js';
import { postReplay, postRetryFailed, showDeliveryLog } from './pages/delivery-log-pages.js';
import { page, webhookPage, type PageRoute } from './pages/page-render.js';
import { postToggle } from './pages/pause-resume-page.js';
import { postTest } from './pages/test-send-page.js';
import { postDelete, postNewWebhook, postWebhookForm, showNewWebhookForm, showWebhookForm } from './pages/webhook-form-pages.js';
import { showWebhookList } from './pages/webhook-list-page.js';

export type { PageRoute };

export function pageRoutes(deps: SettingsDeps): PageRoute[] {
  return [
    { method: 'GET', path: '/', handler: page(deps, showWebhookList) },
    { method: 'GET', path: '/webhooks/new', handler: page(deps, showNewWebhookForm) },
    { method: 'POST', path: '/webhooks', handler: page(deps, postNewWebhook) },
    { method: 'GET', path: '/webhooks/:id/edit', handler: webhookPage(deps, showWebhookForm) },
    { method: 'POST', path: '/webhooks/:id', handler: webhookPage(deps, postWebhookForm) },
    { method: 'POST', path: '/webhooks/:id/toggle', handler: webhookPage(deps, postToggle) },
    { method: 'POST', path: '/webhooks/:id/delete', handler: webhookPage(deps, postDelete) },
    { method: 'POST', path: '/webhooks/:id/test', handler: webhookPage(deps, postTest) },
    { method: 'POST', path: '/webhooks/:id/retry-failed', handler: webhookPage(deps, postRetryFailed) },
    { method: 'GET', path: '/deliveries', handler: page(deps, showDeliveryLog) },
    { method: 'POST', path: '/deliveries/:id/replay', handler: page(deps, postReplay) },
    { method: 'GET', path: '/audit', handler: page(deps, showAuditLog) },
    { method: 'GET', path: '/apps', handler: page(deps, showChatApps) },
    { method: 'POST', path: `/apps/${APP_A}`, handler: page(deps, postDiscordApp) },
    { method: 'POST', path: `/apps/${APP_B}`, handler: page(deps, postSlackApp) },
    { method: 'POST', path: '/apps/links', handler: page(deps, postChatLinks) },
  ];
}

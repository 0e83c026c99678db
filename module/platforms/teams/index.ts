/** Microsoft Teams Workflows (and connector) webhooks: one Adaptive Card per message, 28 KB a request. */
import { definePlatform } from '../platform-definition.js';
import { noOptions } from '../platform-options.js';
import { TEAMS } from '../limits.js';
import { formatTeams } from './teams-format.js';

const endsWithDomain = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`);

export const teams = definePlatform({
  id: 'teams',
  name: 'Microsoft Teams',
  detect: (_url, host) => ['logic.azure.com', 'powerplatform.com', 'webhook.office.com'].some((d) => endsWithDomain(host, d)),
  // Incoming webhooks (webhookb2, IncomingWebhook) and Power Automate workflows.
  urlWords: ['webhookb2', 'incomingwebhook', 'workflows', 'triggers', 'manual', 'paths', 'invoke'],
  options: noOptions,
  format: formatTeams,
  shownAtMost: TEAMS.bytes,
  testWords: ['not_found', 'unauthorized', 'forbidden'],
  preview: 'card',
});

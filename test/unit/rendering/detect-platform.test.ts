import { detectPlatform } from '../../../module/rendering/index.js';

describe('detectPlatform', () => {
  it.each([
    ['https://discord.com/api/webhooks/123456789012345678/AbC-dEf_123', 'discord'],
    ['https://discordapp.com/api/webhooks/123456789012345678/AbC', 'discord'],
    ['https://ptb.discord.com/api/webhooks/123456789012345678/AbC', 'discord'],
    ['https://canary.discord.com/api/v10/webhooks/123456789012345678/AbC', 'discord'],
    ['https://canary.discordapp.com/api/v9/webhooks/123456789012345678/AbC/', 'discord'],
    ['https://discord.com/api/webhooks/123456789012345678/AbC?wait=true&thread_id=1', 'discord'],
    ['https://discord.com/api/webhooks/123456789012345678/AbC/slack', 'slack'],
    ['https://hooks.slack.com/services/T000/B000/XXXX', 'slack'],
    ['https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x', 'teams'],
    [
      'https://default123.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke',
      'teams',
    ],
    ['https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456', 'teams'],
    ['https://api.telegram.org/bot123456:ABC-DEF/sendMessage', 'telegram'],
  ])('%s -> %s', (url, platform) => {
    expect(detectPlatform(url)).toBe(platform);
  });

  it.each([
    'https://discord.com/channels/1/2',
    'https://discord.com.evil.example/api/webhooks/1/abc',
    'https://evildiscord.com/api/webhooks/1/abc',
    'https://discord.com/api/webhooks/notanid/abc',
    'https://hooks.slack.com/',
    'https://notlogic.azure.com.example.org/workflows/x',
    'https://api.telegram.org/bot123:abc/getUpdates',
    'https://mattermost.example.com/hooks/xyz',
    'ftp://discord.com/api/webhooks/1/abc',
    'not a url',
    '',
  ])('%s -> null (chosen explicitly)', (url) => {
    expect(detectPlatform(url)).toBeNull();
  });
});

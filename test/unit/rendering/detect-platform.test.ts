import { detectPlatform } from '../../../module/rendering/index.js';
import { detectPlatformWith } from '../../../module/platforms/detect-platform.js';

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
    // Slack-shaped on another host (a relay, the reference host's local inbox): never signed JSON.
    ['http://127.0.0.1:3001/services/T0DEMO000/B0DEMO000/demoSecretLocalInbox', 'slack'],
    ['https://relay.example.com/services/T024BE7LD/B01ABCDEF/abcdEFGH1234ijkl', 'slack'],
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
    'https://example.com/services/team/bot/secret',
    'http://127.0.0.1:3001/api/webhooks/1234567890123456789/demo-token',
    'ftp://discord.com/api/webhooks/1/abc',
    'not a url',
    '',
  ])('%s -> null (chosen explicitly)', (url) => {
    expect(detectPlatform(url)).toBeNull();
  });
});

describe('detectPlatformWith (the stand-in receivers a host offers)', () => {
  const receivers = [
    { platform: 'discord', urlPrefix: 'http://127.0.0.1:3001/api/webhooks/', example: 'http://127.0.0.1:3001/api/webhooks/1/t' },
    { platform: 'slack', urlPrefix: 'http://127.0.0.1:3001/services/', example: 'http://127.0.0.1:3001/services/T/B/s' },
    { platform: 'no-such-platform', urlPrefix: 'http://127.0.0.1:3001/other/', example: 'http://127.0.0.1:3001/other/x' },
    { platform: 'slack', urlPrefix: 'not a url', example: '' },
  ];
  const detect = detectPlatformWith(receivers);

  it.each([
    ['http://127.0.0.1:3001/api/webhooks/1234567890123456789/demo-token', 'discord'],
    ['  http://127.0.0.1:3001/api/webhooks/1/x  ', 'discord'],
    ['http://127.0.0.1:3001/services/T0DEMO000/B0DEMO000/demoSecretLocalInbox', 'slack'],
    // Outside the receivers: the platforms' own rules.
    ['https://discord.com/api/webhooks/123456789012345678/AbC', 'discord'],
  ])('%s -> %s', (url, platform) => {
    expect(detect(url)).toBe(platform);
  });

  it.each([
    // Another port, the bare prefix, a receiver naming an unknown platform, a non-URL prefix.
    'http://127.0.0.1:3002/api/webhooks/1/x',
    'http://127.0.0.1:3001/api/webhooks/',
    'http://127.0.0.1:3001/other/x',
    'not a url/x',
  ])('%s -> null', (url) => {
    expect(detect(url)).toBeNull();
  });

  it('without receivers it is detectPlatform itself', () => {
    expect(detectPlatformWith([])).toBe(detectPlatform);
  });
});

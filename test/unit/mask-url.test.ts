import { maskUrl } from '../../module/webhooks/webhook.js';

describe('maskUrl', () => {
  it.each([
    ['https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz', 'https://discord.com/api/webhooks/1234…/••••'],
    ['https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/T000…/••••'],
    ['https://api.telegram.org/bot123456:ABC-DEF/sendMessage', 'https://api.telegram.org/bot1…/••••'],
    ['https://example.com/hook?token=secret', 'https://example.com/••••'],
    ['not a url', '••••'],
  ])('%s -> %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('never contains the secret part of the URL', () => {
    const secret = 'AbCdEfGhIjKlMnOpQrStUvWxYz';
    expect(maskUrl(`https://discord.com/api/v10/webhooks/1/${secret}`)).not.toContain(secret.slice(0, 5));
  });
});

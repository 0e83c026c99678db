import { maskUrl } from '../../module/webhooks/mask-url.js';

describe('maskUrl', () => {
  it.each([
    ['https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz', 'https://discord.com/api/webhooks/••••/••••'],
    ['https://discord.com/api/v10/webhooks/123456789012345678/token', 'https://discord.com/api/v10/webhooks/••••/••••'],
    ['https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/••••/••••/••••'],
    ['https://api.telegram.org/bot123456:ABC-DEF/sendMessage', 'https://api.telegram.org/••••/sendMessage'],
    [
      'https://contoso.webhook.office.com/webhookb2/a1b2c3@d4e5f6/IncomingWebhook/0123abcd/f00d',
      'https://contoso.webhook.office.com/webhookb2/••••/IncomingWebhook/••••/••••',
    ],
    [
      'https://prod-12.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SIGNATURE',
      'https://prod-12.westus.logic.azure.com/workflows/••••/triggers/manual/paths/invoke?••••',
    ],
    ['https://chat.example.com/hooks/xyz789abc', 'https://chat.example.com/hooks/••••'],
    ['https://example.com/hook?token=secret', 'https://example.com/hook?••••'],
    ['https://example.com:8443/in/Secrettoken', 'https://example.com:8443/••••/••••'],
    ['https://user:pass@example.com/x', 'https://example.com/••••'],
    ['not a url', '••••'],
  ])('%s -> %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it.each([
    ['all letters', 'Secrettoken'],
    ['short letters', 'abc'],
    ['letters with dashes', 'my-secret_hook'],
    ['mixed', 'AbCdEfGhIjKlMnOp'],
    ['digits', '123456789012345678'],
  ])('hides a path segment that is %s, wherever it stands', (_what, secret) => {
    for (const url of [`https://example.com/${secret}`, `https://example.com/hooks/${secret}/more`, `https://example.com/a/${secret}`]) {
      expect(maskUrl(url)).not.toContain(secret);
      expect(maskUrl(url)).not.toContain(secret.slice(0, 3));
    }
  });

  it('re-masks a hint stored by the older rule, and a new hint stays as it is', () => {
    expect(maskUrl('https://discord.com/api/webhooks/1234…/••••')).toBe('https://discord.com/api/webhooks/••••/••••');
    expect(maskUrl('https://example.com/Secrettoken/••••')).toBe('https://example.com/••••/••••');
    const hint = maskUrl('https://hooks.slack.com/services/T1/B2/secret?x=1');
    expect(maskUrl(hint)).toBe(hint);
  });
});

import { checkWebhookUrl } from '../../../module/settings/url-policy.js';

const prod = { allowLoopback: false, allowPrivate: false };
const dev = { allowLoopback: true, allowPrivate: false };

describe('checkWebhookUrl', () => {
  it.each([
    ['https://discord.com/api/webhooks/1/a', null],
    ['http://example.com/hook', null],
    ['https://8.8.8.8/hook', null],
    ['https://[2606:4700::1111]/hook', null],
    ['ftp://example.com/hook', 'url_scheme'],
    ['javascript:alert(1)', 'url_scheme'],
    ['file:///etc/passwd', 'url_scheme'],
    ['not a url', 'url_invalid'],
    ['https://user:pw@example.com/hook', 'url_credentials'],
    ['http://localhost:3001/api/webhooks/1/a', 'url_loopback'],
    ['http://app.localhost/hook', 'url_loopback'],
    ['http://127.0.0.1/hook', 'url_loopback'],
    ['http://127.8.9.10/hook', 'url_loopback'],
    ['http://[::1]/hook', 'url_loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'url_loopback'],
    ['http://0.0.0.0/hook', 'url_loopback'],
    ['http://10.0.0.5/hook', 'url_private'],
    ['http://172.16.3.4/hook', 'url_private'],
    ['http://172.32.0.1/hook', null],
    ['http://192.168.1.1/hook', 'url_private'],
    ['http://169.254.169.254/latest/meta-data', 'url_private'],
    ['http://100.64.0.1/hook', 'url_private'],
    ['http://[fd00::1]/hook', 'url_private'],
    ['http://[fe80::1]/hook', 'url_private'],
    ['http://[::ffff:10.0.0.1]/hook', 'url_private'],
  ])('production: %s -> %s', (url, expected) => {
    expect(checkWebhookUrl(url, prod)).toBe(expected);
  });

  it('development allows loopback but still refuses private ranges and bad schemes', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3001/api/webhooks/1/a', dev)).toBeNull();
    expect(checkWebhookUrl('http://localhost:3001/x', dev)).toBeNull();
    expect(checkWebhookUrl('http://192.168.0.2/x', dev)).toBe('url_private');
    expect(checkWebhookUrl('gopher://127.0.0.1/x', dev)).toBe('url_scheme');
  });

  it('an operator who allows private ranges gets them', () => {
    expect(checkWebhookUrl('http://10.0.0.5/hook', { allowLoopback: false, allowPrivate: true })).toBeNull();
  });
});

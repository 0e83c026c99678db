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
    // What is wrong, so the form can say how to fix it (issue 29).
    ['discord.com/api/webhooks/1/a', 'url_no_scheme'],
    ['//hooks.slack.com/services/T1/B2/x', 'url_no_scheme'],
    ['localhost:3000/hook', 'url_no_scheme'],
    ['https://discord.com/api/webhooks/1/ab cd', 'url_spaces'],
    ['https://discord.com/api/web\nhooks/1/abcd', 'url_spaces'],
    [
      'https://discord.com/channels/1300000000000000042/1300000000000000043',
      'url_not_platform:{"platform":"Discord","shape":"https://discord.com/api/webhooks/<id>/<token>"}',
    ],
    [
      'https://discord.com/api/webhooks/1300000000000000042',
      'url_not_platform:{"platform":"Discord","shape":"https://discord.com/api/webhooks/<id>/<token>"}',
    ],
    ['https://hooks.slack.com/T1/B2/x', 'url_not_platform:{"platform":"Slack","shape":"https://hooks.slack.com/services/T…/B…/…"}'],
    // Slack's Workflow Builder triggers take their own JSON: not a near miss of incoming webhooks.
    ['https://hooks.slack.com/triggers/T1/2/x', null],
    [
      'https://api.telegram.org/bot123:abc/getUpdates',
      'url_not_platform:{"platform":"Telegram","shape":"https://api.telegram.org/bot<token>/sendMessage"}',
    ],
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
    // Names and forms that mean this machine or an internal network (one case each).
    ['http://localhost./hook', 'url_loopback'],
    ['http://LOCALHOST.LOCALDOMAIN/hook', 'url_loopback'],
    ['http://ip6-localhost/hook', 'url_loopback'],
    ['http://ip6-loopback/hook', 'url_loopback'],
    ['http://app.localhost./hook', 'url_loopback'],
    ['http://[::127.0.0.1]/hook', 'url_loopback'],
    ['http://[::ffff:7f00:1]/hook', 'url_loopback'],
    ['http://0x7f.1/hook', 'url_loopback'],
    ['http://2130706433/hook', 'url_loopback'],
    ['http://[::a9fe:a9fe]/hook', 'url_private'],
    ['http://[64:ff9b::a9fe:a9fe]/hook', 'url_private'],
    ['http://[64:ff9b::127.0.0.1]/hook', 'url_loopback'],
    ['http://[2002:a9fe:a9fe::]/hook', 'url_private'],
    ['http://[2002:7f00:1::]/hook', 'url_loopback'],
    ['http://[::ffff:0:a9fe:a9fe]/hook', 'url_private'],
    ['http://[fec0::1]/hook', 'url_private'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'url_private'],
    ['http://metadata.google.internal./computeMetadata/v1/', 'url_private'],
    ['http://printer.local/hook', 'url_private'],
    ['http://nas.home.arpa/hook', 'url_private'],
    ['http://intranet/hook', 'url_private'],
    ['http://internal.example.com/hook', null],
    ['http://localhost.example.com/hook', null],
  ])('production: %s -> %s', (url, expected) => {
    expect(checkWebhookUrl(url, prod)).toBe(expected);
  });

  it('development allows loopback but still refuses private ranges and bad schemes', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3001/api/webhooks/1/a', dev)).toBeNull();
    expect(checkWebhookUrl('http://localhost:3001/x', dev)).toBeNull();
    expect(checkWebhookUrl('http://192.168.0.2/x', dev)).toBe('url_private');
    expect(checkWebhookUrl('gopher://127.0.0.1/x', dev)).toBe('url_scheme');
  });

  it('the development profile allows loopback in every form, still not internal names', () => {
    for (const url of ['http://localhost./x', 'http://ip6-localhost/x', 'http://[::127.0.0.1]/x', 'http://[::ffff:127.0.0.1]/x']) {
      expect(checkWebhookUrl(url, dev)).toBeNull();
    }
    expect(checkWebhookUrl('http://metadata.google.internal/', dev)).toBe('url_private');
    expect(checkWebhookUrl('http://[64:ff9b::a9fe:a9fe]/', dev)).toBe('url_private');
  });

  it('an operator who allows private ranges gets them', () => {
    expect(checkWebhookUrl('http://10.0.0.5/hook', { allowLoopback: false, allowPrivate: true })).toBeNull();
  });
});

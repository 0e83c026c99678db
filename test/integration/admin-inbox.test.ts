/** The local demo inbox: Discord- and Slack-like answers, and a page that shows messages as text. */
import { startInbox, type RunningInbox } from '../../host/inbox/start-inbox.js';

describe('local inbox', () => {
  let inbox: RunningInbox;
  beforeAll(async () => {
    inbox = await startInbox({ port: 0 });
  });
  afterAll(async () => inbox?.close());

  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers like Discord: 200 with the message on ?wait=true, 204 otherwise, rate-limit headers, then 429', async () => {
    const url = inbox.discordWebhookUrl('555555555555555555', 'tok');
    const waited = await post(`${url}?wait=true`, { content: 'Hello **there**', username: 'Shop' });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({
      content: 'Hello **there**',
      webhook_id: '555555555555555555',
      author: { username: 'Shop', bot: true },
    });
    expect(waited.headers.get('x-ratelimit-limit')).toBe('5');
    expect(waited.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(Number(waited.headers.get('x-ratelimit-reset-after'))).toBeGreaterThanOrEqual(0);
    expect(waited.headers.get('x-ratelimit-bucket')).toBeTruthy();
    const plain = await post(url, { embeds: [{ title: 'Embed' }] });
    expect(plain.status).toBe(204);
    // A frozen clock keeps every request in one 2 s window: three more fit, the sixth is refused.
    const frozen = await startInbox({ port: 0, now: () => 1_000_000 });
    try {
      const u = frozen.discordWebhookUrl('555555555555555555', 'tok');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await post(u, { content: `burst ${i}` })).status);
      expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
      const limited = await post(u, { content: 'again' });
      const body = await limited.json();
      expect(body).toEqual({ message: 'You are being rate limited.', retry_after: 2, global: false });
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    } finally {
      await frozen.close();
    }
  });

  it('answers Discord errors: 404 Unknown Webhook, empty message, content over 2000', async () => {
    const gone = await post(inbox.discordWebhookUrl('0', 'tok'), { content: 'x' });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    const empty = await post(inbox.discordWebhookUrl('777777777777777777', 'tok'), { content: '' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).code).toBe(50006);
    const long = await post(inbox.discordWebhookUrl('777777777777777777', 'tok'), { content: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect((await long.json()).code).toBe(50035);
  });

  it('answers like Slack: ok, invalid payload, no_service', async () => {
    const ok = await post(inbox.slackWebhookUrl(), { text: '*Ticket* &lt;urgent&gt;' });
    expect([ok.status, await ok.text()]).toEqual([200, 'ok']);
    const bad = await post(inbox.slackWebhookUrl(), {});
    expect(bad.status).toBe(400);
    const gone = await post(inbox.slackWebhookUrl().replace(/[^/]+$/, 'gone'), { text: 'x' });
    expect([gone.status, await gone.text()]).toEqual([404, 'no_service']);
  });

  it('shows what arrived, rendered, with hostile text as text and no webhook token', async () => {
    await post(inbox.discordWebhookUrl('888888888888888888', 'SECRETTOKEN'), {
      content: ':pushpin: **Sujet** : <img src=x onerror=alert(1)>',
      embeds: [{ title: '<script>alert(1)</script>', color: 0xff0000, fields: [{ name: 'Prix', value: '12 €', inline: true }] }],
    });
    const page = await (await fetch(inbox.url + '/')).text();
    expect(page).toContain('📌 <strong>Sujet</strong> : &lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('SECRETTOKEN');
    expect(page).toContain('<strong>Ticket</strong> &lt;urgent&gt;');
    const items = (await (await fetch(inbox.url + '/messages.json')).json()).items;
    expect(items.some((m: { receiver: string }) => m.receiver === '8888…')).toBe(true);
    expect(JSON.stringify(items)).not.toContain('SECRETTOKEN');
  });

  it('acts like a forum channel: thread_name makes a post, thread_id posts into it, edits change a message; the page draws posts with their threads', async () => {
    const url = inbox.discordWebhookUrl('999999999999999999', 'FORUMTOKEN');
    const created = await post(`${url}?wait=true`, {
      content: 'Nouveau ticket <b>#42</b>',
      thread_name: '#42 Mon serveur <ne démarre plus>',
      applied_tags: ['300000000000000001'],
    });
    expect(created.status).toBe(200);
    const starter = (await created.json()) as { id: string; channel_id: string; guild_id: string };
    expect(starter.channel_id).toBe(starter.id);
    const reply = await post(`${url}?wait=true&thread_id=${starter.channel_id}`, { content: 'Réponse du support' });
    expect(((await reply.json()) as { channel_id: string }).channel_id).toBe(starter.channel_id);
    const both = await post(`${url}?wait=true&thread_id=${starter.channel_id}`, { content: 'x', thread_name: 'y' });
    expect([both.status, ((await both.json()) as { code: number }).code]).toEqual([400, 220003]);
    const before = inbox.messages().length;
    const edit = (id: string, body: unknown) =>
      fetch(`${url}/messages/${id}?thread_id=${starter.channel_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const edited = await edit(starter.id, { embeds: [{ title: '🔒 Fermé', description: 'par Alice' }] });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ id: starter.id, content: 'Nouveau ticket <b>#42</b>', embeds: [{ title: '🔒 Fermé' }] });
    expect(inbox.messages()).toHaveLength(before);
    expect((await edit('123456789012345678', { content: 'x' })).status).toBe(404);

    const page = await (await fetch(inbox.url + '/')).text();
    const forum = page.slice(page.indexOf('data-testid="inbox-forum"'), page.indexOf('id="h-discord"'));
    expect(forum).toContain('#42 Mon serveur &lt;ne démarre plus&gt;');
    expect(forum).toContain('#0001');
    expect(forum.indexOf('Nouveau ticket &lt;b&gt;#42&lt;/b&gt;')).toBeLessThan(forum.indexOf('Réponse du support'));
    expect(forum).toContain('🔒 Fermé');
    expect(forum).toContain('(modifié)');
    expect(page).not.toContain('FORUMTOKEN');
    // The page's script reloads when a post or an edit changed cards it already drew.
    const update = (await (await fetch(`${inbox.url}/updates?after=${before - 1}`)).json()) as { reload: boolean };
    expect(update.reload).toBe(true);
  });

  it('answers like Google Chat: 403 without key, a thread per threadKey with the reply option, a column on the page', async () => {
    const url = inbox.googleChatWebhookUrl('AAAAinboxTest');
    const noKey = await post(url.replace(/\?.*$/, ''), { text: 'x' });
    expect(noKey.status).toBe(403);
    expect((await noKey.json()).error.status).toBe('PERMISSION_DENIED');
    expect((await post(url, { text: '' })).status).toBe(400);
    const reply = `${url}&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`;
    const first = await (await post(reply, { text: '*Ticket 7* <b>x</b>', thread: { threadKey: 'ticket-7' } })).json();
    const second = await (await post(reply, { text: 'reply', thread: { threadKey: 'ticket-7' } })).json();
    const other = await (await post(url, { text: 'no reply option', thread: { threadKey: 'ticket-7' } })).json();
    expect(second.thread.name).toBe(first.thread.name);
    expect(other.thread.name).not.toBe(first.thread.name);
    const page = await (await fetch(inbox.url)).text();
    expect(page).toContain('data-testid="inbox-googlechat"');
    expect(page).toContain('<strong>Ticket 7</strong> &lt;b&gt;x&lt;/b&gt;');
    expect(page).toContain('ticket-7');
    expect(page).not.toContain('demoTokenLocalInbox');
    const update = (await (await fetch(`${inbox.url}/updates?after=0`)).json()) as { googlechat: string; reload: boolean };
    expect(update.googlechat).toContain('no reply option');
  });
});

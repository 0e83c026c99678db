/**
 * Google Chat, end to end through the outbox: 20 tickets, each submitted, replied to three times
 * and closed, their events interleaved, reach a Google-Chat-like receiver as 20 threads of 5
 * messages each, every thread's messages in the ticket's order.
 */
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js';
import { GoogleChatSink } from '../support/google-chat-sink.js';
import { makeKit, stopKits, migrate, TestClock } from './delivery-harness.js';

describe.each(testDatabaseKinds())('Google Chat threads on %s', (kind) => {
  let db: TestDatabase;
  let sink: GoogleChatSink;
  const clock = new TestClock();
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrate(db.knex);
    sink = await new GoogleChatSink().start();
  });
  afterAll(async () => {
    await stopKits();
    await sink?.close();
    await db?.destroy();
  });

  it('20 interleaved tickets x (submit, 3 replies, close) end as 20 threads of 5 messages, in order', async () => {
    const kit = await makeKit(db, { clock, delivery: { slackPaceMs: 0 } });
    const id = await kit.addWebhook({
      url: sink.url('AAAA-tickets'),
      platform: 'googlechat',
      templates: { ticket: '%id% %subject%\n%content%' },
    });
    const tickets = Array.from({ length: 20 }, (_, i) => 700 + i);
    const steps = ['submit', 'reply 1', 'reply 2', 'reply 3', 'close'] as const;
    let seq = 0;
    for (const step of steps)
      for (const ticket of tickets) {
        const event = step === 'submit' ? 'ticket.submit' : step === 'close' ? 'ticket.close' : 'ticket.reply';
        await kit.emit(event, ++seq, (p) => {
          const t = p as { ticket: { id: string | number }; message?: { content: string } | null };
          t.ticket.id = String(ticket);
          if (t.message) t.message.content = `${step} of ${ticket}`;
        });
      }
    await kit.delivery.dispatcher.drain();
    const rows = await kit.rows(id);
    expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
    const threads = sink.threads.get('AAAA-tickets') ?? [];
    expect(threads).toHaveLength(20);
    for (const [i, ticket] of tickets.entries()) {
      const thread = threads.find((t) => t.key === `ticket-${ticket}`);
      expect(thread?.messages).toHaveLength(5);
      const texts = thread!.messages.map((m) => String(m.text));
      expect(texts.map((t) => t.split(' ')[0])).toEqual(Array(5).fill(String(ticket)));
      expect(texts.slice(0, 4).map((t) => t.split('\n')[1])).toEqual(steps.slice(0, 4).map((s) => `${s} of ${ticket}`));
      expect(threads[i].key).toBe(`ticket-${ticket}`);
    }
    for (const r of sink.requestsFor('AAAA-tickets')) expect(r.query.messageReplyOption).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  });
});

import { groupNotifications } from '../../../host/context/group-notifications.js';
import type { StoredNotification } from '../../../host/context/notifications-store.js';

const n = (id: number, over: Partial<StoredNotification> = {}): StoredNotification => ({
  id,
  source: 'webhooks',
  level: 'error',
  title: 'Webhook « Ventes » désactivé',
  body: 'Discord a répondu 404.',
  createdAt: 1000 + id,
  readAt: 5000,
  ...over,
});

describe('groupNotifications', () => {
  it('shows identical notifications once, with their count, the newest time, unread while one is', () => {
    const groups = groupNotifications([n(3, { readAt: null }), n(2, { title: 'Autre' }), n(1)]);
    expect(groups.map((g) => [g.title, g.count, g.createdAt, g.readAt])).toEqual([
      ['Webhook « Ventes » désactivé', 2, 1003, null],
      ['Autre', 1, 1002, 5000],
    ]);
  });

  it.each([
    ['source', { source: 'other' }],
    ['level', { level: 'warning' as const }],
    ['body', { body: 'Discord a répondu 401.' }],
    ['link', { href: '/admin/modules/webhooks/' }],
  ])('keeps apart two notifications whose %s differs', (_what, over) => {
    expect(groupNotifications([n(2, over), n(1)]).map((g) => g.count)).toEqual([1, 1]);
  });

  it('returns nothing for nothing', () => {
    expect(groupNotifications([])).toEqual([]);
  });
});

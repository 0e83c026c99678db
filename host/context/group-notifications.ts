/**
 * The notifications page lists a repeated notification once, with how many times it came
 * (a webhook re-enabled with the same bad URL fails again: one line "×2", not two identical
 * lines). Identical = same source, level, title, body and link; the newest time is shown and the
 * group is unread while one of its notifications is.
 */
import type { StoredNotification } from './notifications-store.js';

export interface NotificationGroup extends StoredNotification {
  /** How many identical notifications the line stands for (1 when alone). */
  count: number;
}

export function groupNotifications(items: readonly StoredNotification[]): NotificationGroup[] {
  const groups = new Map<string, NotificationGroup>();
  for (const n of items) {
    const key = JSON.stringify([n.source, n.level, n.title, n.body, n.href ?? null]);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { ...n, count: 1 });
      continue;
    }
    g.count += 1;
    if (n.createdAt > g.createdAt) g.createdAt = n.createdAt;
    if (n.readAt === null) g.readAt = null;
  }
  // Newest first, as the store lists them.
  return [...groups.values()].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
}

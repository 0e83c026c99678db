/** Notifications modules raise for the admin: stored, listed on /admin/notifications, counted in the nav. */
import type { Knex } from 'knex';
import type { HostNotification } from '../../sdk/module-context.js';

export interface StoredNotification extends HostNotification {
  id: number;
  source: string;
  createdAt: number;
  readAt: number | null;
}

const levels = ['info', 'warning', 'error'];

export class NotificationStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {}

  async add(source: string, n: HostNotification): Promise<void> {
    if (!levels.includes(n.level)) throw new Error(`notifications: level must be one of ${levels.join(', ')}`);
    // An href must stay inside the admin area: a module cannot turn the host's page into a link out.
    const href = typeof n.href === 'string' && n.href.startsWith('/admin/') ? n.href : null;
    await this.db('host_notifications').insert({
      source,
      level: n.level,
      title: String(n.title).slice(0, 500),
      body: String(n.body).slice(0, 10_000),
      href,
      created_at: this.now(),
      read_at: null,
    });
  }

  async list(limit = 100): Promise<StoredNotification[]> {
    const rows = await this.db('host_notifications').orderBy('id', 'desc').limit(limit);
    return rows.map((r: Record<string, unknown>) => ({
      id: Number(r.id),
      source: String(r.source),
      level: r.level as HostNotification['level'],
      title: String(r.title),
      body: String(r.body),
      href: (r.href as string | null) ?? undefined,
      createdAt: Number(r.created_at),
      readAt: r.read_at === null ? null : Number(r.read_at),
    }));
  }

  async unreadCount(): Promise<number> {
    const row = await this.db('host_notifications').whereNull('read_at').count({ n: '*' }).first();
    return Number((row as { n: number | string } | undefined)?.n ?? 0);
  }

  async markAllRead(): Promise<void> {
    await this.db('host_notifications').whereNull('read_at').update({ read_at: this.now() });
  }
}

/**
 * Admin sessions, kept server-side in `host_sessions` so that one can be ended for good: the
 * signed cookie carries only a random session id, and signing out deletes its row. The table
 * holds the id's SHA-256, not the id, so a copy of the database gives no live cookie. Ages and
 * expiry follow the host's clock; every host process on one database shares the sessions.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';

const hashOf = (id: string) => crypto.createHash('sha256').update(id).digest('hex');

export class SessionStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
    private readonly maxAgeMs: number,
  ) {}

  /** Starts a session and returns its id (the value the cookie signs). Clears expired rows on the way. */
  async create(): Promise<string> {
    const now = this.now();
    await this.db('host_sessions').where('expires_at', '<=', now).delete();
    const id = crypto.randomBytes(32).toString('base64url');
    await this.db('host_sessions').insert({ id_hash: hashOf(id), created_at: now, expires_at: now + this.maxAgeMs });
    return id;
  }

  /** True while the session exists and the clock is inside its lifetime. */
  async isLive(id: string): Promise<boolean> {
    const row = (await this.db('host_sessions')
      .where({ id_hash: hashOf(id) })
      .first()) as { created_at: number | string; expires_at: number | string } | undefined;
    if (!row) return false;
    const now = this.now();
    return now >= Number(row.created_at) && now < Number(row.expires_at);
  }

  async revoke(id: string): Promise<void> {
    await this.db('host_sessions')
      .where({ id_hash: hashOf(id) })
      .delete();
  }
}

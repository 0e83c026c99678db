/** What the local demo inbox received, in memory, newest last, capped. */
export type InboxKind = 'discord' | 'slack' | 'googlechat';

/** A Discord forum post (thread) a message belongs to. */
export interface InboxThread {
  id: string;
  name: string;
  tags: string[];
}

export interface InboxMessage {
  seq: number;
  at: number;
  kind: InboxKind;
  /** Masked receiver id (first 4 characters), never the token. */
  receiver: string;
  body: Record<string, unknown>;
  /** Discord: the message's id (edits name it). */
  messageId?: string;
  /** Discord forum: the post the message is in (the starter's id is the thread's). */
  thread?: InboxThread;
  /** Set (to the store's change number) when the message was edited. */
  editedSeq?: number;
}

export class InboxStore {
  private readonly items: InboxMessage[] = [];
  private seq = 0;

  constructor(
    private readonly cap = 200,
    private readonly now: () => number = Date.now,
  ) {}

  add(
    kind: InboxKind,
    receiver: string,
    body: Record<string, unknown>,
    extra: Pick<InboxMessage, 'messageId' | 'thread'> = {},
  ): InboxMessage {
    const msg: InboxMessage = { seq: ++this.seq, at: this.now(), kind, receiver, body, ...extra };
    this.items.push(msg);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
    return msg;
  }

  /** A webhook edits its own message: only the fields sent change, as on Discord. Null when unknown. */
  edit(messageId: string, patch: Record<string, unknown>): InboxMessage | null {
    const msg = this.items.find((m) => m.messageId === messageId);
    if (!msg) return null;
    msg.body = { ...msg.body, ...patch };
    msg.editedSeq = ++this.seq;
    return msg;
  }

  /** A message replaced by its sequence number (Slack's response_url); null when unknown. */
  editAt(seq: number, patch: Record<string, unknown>): InboxMessage | null {
    const msg = this.items.find((m) => m.seq === seq);
    if (!msg) return null;
    msg.body = { ...msg.body, ...patch };
    msg.editedSeq = ++this.seq;
    return msg;
  }

  /** The post `threadId` as first seen (its starter, or an earlier message). */
  thread(threadId: string): InboxThread | null {
    return this.items.find((m) => m.thread?.id === threadId)?.thread ?? null;
  }

  /** The last change number (a message added or edited). */
  lastSeq(): number {
    return this.seq;
  }

  list(): InboxMessage[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }
}

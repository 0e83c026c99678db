/** What the local demo inbox received, in memory, newest last, capped. */
export type InboxKind = 'discord' | 'slack';

export interface InboxMessage {
  seq: number;
  at: number;
  kind: InboxKind;
  /** Masked receiver id (first 4 characters), never the token. */
  receiver: string;
  body: Record<string, unknown>;
}

export class InboxStore {
  private readonly items: InboxMessage[] = [];
  private seq = 0;

  constructor(
    private readonly cap = 200,
    private readonly now: () => number = Date.now,
  ) {}

  add(kind: InboxKind, receiver: string, body: Record<string, unknown>): InboxMessage {
    const msg: InboxMessage = { seq: ++this.seq, at: this.now(), kind, receiver, body };
    this.items.push(msg);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
    return msg;
  }

  list(): InboxMessage[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }
}

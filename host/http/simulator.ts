/**
 * The simulator stands in for the shop and the helpdesk: `POST /admin/simulate/{event}` emits the
 * event on the host bus (JSON body = payload, empty body = a realistic sample with a fresh id),
 * after checking it against the event map's schema. Answers: 202 {event, eventId}; 400 {error,
 * issues:[{path, message}]} naming the bad field; 404 for an unknown event.
 */
import type { EventEmitter2 } from 'eventemitter2';
import { describeIssues, eventNames, isEventName, validateEvent, type EventName } from '../../sdk/events.js';
import { sampleEvent } from '../../sdk/sample-events.js';

export type SimulateAnswer =
  | { status: 202; body: { event: EventName; eventId: string } }
  | { status: 400; body: { error: string; issues: { path: string; message: string }[] } }
  | { status: 404; body: { error: string } };

export class Simulator {
  private seq = 0;

  constructor(
    private readonly bus: EventEmitter2,
    private readonly now: () => number,
  ) {
    // Distinct event ids across restarts too: the module deduplicates deliveries by event id.
    this.seq = Math.floor(now() / 1000) % 1_000_000_000;
  }

  readonly events = eventNames;

  sample(event: EventName): unknown {
    return sampleEvent(event, { seq: ++this.seq, now: this.now() });
  }

  /** `payload` undefined (empty body) means: fire a sample. */
  async fire(event: string, payload: unknown): Promise<SimulateAnswer> {
    if (!isEventName(event))
      return { status: 404, body: { error: `unknown event "${event.slice(0, 100)}"; known: ${eventNames.join(', ')}` } };
    const value = payload === undefined ? this.sample(event) : payload;
    const checked = validateEvent(event, value);
    if (!checked.ok) {
      const issues = checked.issues.slice(0, 50).map((i) => ({ path: i.path.slice(0, 200), message: i.message.slice(0, 500) }));
      return { status: 400, body: { error: `${event}: ${describeIssues(issues.slice(0, 5))}`, issues } };
    }
    // The module's listeners run through the scoped bus, which catches their failures.
    await this.bus.emitAsync(event, checked.value);
    return { status: 202, body: { event, eventId: checked.value.eventId } };
  }
}

import type { EventMap, EventName } from '../../sdk/events.js';

/** Where a validated event goes next (render + enqueue). The subscriber never sends. */
export interface EventIntake {
  accept<K extends EventName>(event: K, payload: EventMap[K]): Promise<void>;
}

/** One file per host event exports one of these (Medusa's subscriber shape). */
export interface Subscriber<K extends EventName> {
  config: { event: K };
  handler(payload: EventMap[K], intake: EventIntake): Promise<void>;
}

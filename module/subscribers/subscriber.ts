import type { EventMap, EventName } from '../../sdk/events.js';

/** Where a validated event goes next (render + enqueue). The subscriber never sends. */
export interface EventIntake {
  accept<K extends EventName>(event: K, payload: EventMap[K]): Promise<void>;
}

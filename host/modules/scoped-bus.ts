/**
 * The bus a module sees: the host's eventemitter2, through a proxy that remembers every listener
 * the module adds, so that disabling the module removes them even if its shutdown() forgets one,
 * and that catches what a listener throws or rejects, so nothing a module does throws into the
 * host's emit (an `emitAsync` of the simulator resolves even when a listener fails).
 */
import type { EventEmitter2, ListenerFn, eventNS } from 'eventemitter2';
import type { Logger } from '../../sdk/module-context.js';

type Event = string | symbol | eventNS;
interface Tracked {
  any: boolean;
  event?: Event;
  original: ListenerFn;
  wrapped: ListenerFn;
}

export interface ScopedBus {
  bus: EventEmitter2;
  /** Removes every listener the module still has on the host bus. */
  dispose(): void;
  listenerCount(): number;
  /**
   * While paused, the module's listeners are not called (an update holds the module's events
   * elsewhere and hands them over with deliver(), so none reaches two versions or none).
   */
  setPaused(paused: boolean): void;
  /** Calls this module's listeners for `event` (exact name, and onAny listeners) as an emit would. */
  deliver(event: string, args: unknown[]): void;
}

export function createScopedBus(target: EventEmitter2, logger: Logger, moduleUuid: string, opts: { paused?: boolean } = {}): ScopedBus {
  const tracked: Tracked[] = [];
  let paused = opts.paused ?? false;
  // A module whose register() timed out may still subscribe later: once disposed, nothing attaches.
  let disposed = false;

  const wrap = (original: ListenerFn, label: () => string): ListenerFn =>
    function (this: unknown, ...args: unknown[]) {
      if (paused) return undefined;
      const fail = (err: unknown) => {
        logger.error(`module ${moduleUuid}: a listener for ${label()} failed`, { error: err instanceof Error ? err.message : String(err) });
        return undefined;
      };
      try {
        const result = original.apply(this, args) as unknown;
        return result && typeof (result as Promise<unknown>).then === 'function' ? (result as Promise<unknown>).catch(fail) : result;
      } catch (err) {
        return fail(err);
      }
    };

  const take = (any: boolean, event: Event | undefined, fn: ListenerFn): Tracked[] => {
    const found = tracked.filter((t) => t.any === any && t.original === fn && (any || String(t.event) === String(event)));
    for (const t of found) tracked.splice(tracked.indexOf(t), 1);
    return found;
  };

  const adders = ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const;
  // Assigned once below; the overrides return it so chained calls stay scoped.
  const ref: { proxy?: EventEmitter2 } = {};
  const overrides: Record<string, (...args: never[]) => unknown> = {};
  for (const name of adders) {
    overrides[name] = (event: Event, fn: ListenerFn, ...rest: unknown[]) => {
      if (disposed) return ref.proxy;
      const wrapped = wrap(fn, () => String(event));
      tracked.push({ any: false, event, original: fn, wrapped });
      (target[name] as (...a: unknown[]) => unknown).call(target, event, wrapped, ...rest);
      return ref.proxy;
    };
  }
  overrides.many = (event: Event, times: number, fn: ListenerFn, ...rest: unknown[]) => {
    if (disposed) return ref.proxy;
    const wrapped = wrap(fn, () => String(event));
    tracked.push({ any: false, event, original: fn, wrapped });
    target.many(event, times, wrapped, ...(rest as []));
    return ref.proxy;
  };
  overrides.onAny = (fn: ListenerFn) => {
    if (disposed) return ref.proxy;
    const wrapped = wrap(fn, () => 'any event');
    tracked.push({ any: true, original: fn, wrapped });
    target.onAny(wrapped);
    return ref.proxy;
  };
  overrides.prependAny = overrides.onAny;
  for (const name of ['off', 'removeListener'] as const) {
    overrides[name] = (event: Event, fn: ListenerFn) => {
      for (const t of take(false, event, fn)) target.off(event, t.wrapped);
      return ref.proxy;
    };
  }
  overrides.offAny = (fn?: ListenerFn) => {
    const all = fn ? take(true, undefined, fn) : tracked.filter((t) => t.any);
    for (const t of all) {
      if (tracked.includes(t)) tracked.splice(tracked.indexOf(t), 1);
      target.offAny(t.wrapped);
    }
    return ref.proxy;
  };
  // A module may only remove its own listeners, never the host's or another module's.
  overrides.removeAllListeners = (event?: Event) => {
    for (const t of [...tracked]) {
      if (t.any || (event !== undefined && String(t.event) !== String(event))) continue;
      tracked.splice(tracked.indexOf(t), 1);
      target.off(t.event as Event, t.wrapped);
    }
    return ref.proxy;
  };

  const proxy = new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === 'string' && Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop];
      const value = Reflect.get(obj, prop, receiver);
      return typeof value === 'function' ? value.bind(obj) : value;
    },
  });

  ref.proxy = proxy;
  return {
    bus: proxy,
    dispose() {
      disposed = true;
      for (const t of tracked.splice(0)) {
        if (t.any) target.offAny(t.wrapped);
        else target.off(t.event as Event, t.wrapped);
      }
    },
    listenerCount: () => tracked.length,
    setPaused(value) {
      paused = value;
    },
    deliver(event, args) {
      for (const t of [...tracked]) {
        if (t.any) t.wrapped.call(target, event, ...args);
        else if (String(t.event) === event) t.wrapped.apply(target, args);
      }
    },
  };
}

/** Adapts pino (object first, message second) to the SDK's Logger (message first). */
import type { Logger as Pino } from 'pino';
import type { Logger } from '../../sdk/module-context.js';

export function sdkLogger(pino: Pino): Logger {
  return {
    debug: (msg, fields) => pino.debug(fields ?? {}, msg),
    info: (msg, fields) => pino.info(fields ?? {}, msg),
    warn: (msg, fields) => pino.warn(fields ?? {}, msg),
    error: (msg, fields) => pino.error(fields ?? {}, msg),
  };
}

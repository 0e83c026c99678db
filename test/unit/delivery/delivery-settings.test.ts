/**
 * The engine thread's settings as an operator types them: kept when valid, reported by key and
 * left to their default when not (a typo must not stop deliveries).
 */
import { readDeliverySettings } from '../../../module/delivery/delivery-settings.js';
import type { ModuleSettings } from '../../../sdk/module-context.js';
import { recordingLogger } from '../../integration/delivery-harness.js';

const settingsOf = (values: Record<string, unknown>): ModuleSettings => ({
  get: async <T>(key: string, fallback: T) => (key in values ? (values[key] as T) : fallback),
  set: async () => undefined,
  all: async () => values,
});

describe('delivery settings of the engine thread', () => {
  it('keeps a valid thread, nice value and heap size', async () => {
    const logger = recordingLogger();
    const read = await readDeliverySettings(
      settingsOf({ 'delivery.engineThread': true, 'delivery.engineNice': 0, 'delivery.engineHeapMb': 128 }),
      logger,
    );
    expect(read).toMatchObject({ engineThread: true, engineNice: 0, engineHeapMb: 128 });
    expect(logger.entries).toEqual([]);
  });

  it.each([8, 5000, 64.5, '64', -1])('reports delivery.engineHeapMb = %p and keeps the default', async (value) => {
    const logger = recordingLogger();
    const read = await readDeliverySettings(settingsOf({ 'delivery.engineHeapMb': value }), logger);
    expect(read.engineHeapMb).toBeUndefined();
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        msg: 'webhooks: setting delivery.engineHeapMb ignored: expected an integer from 16 to 4096',
        fields: { value: String(value) },
      },
    ]);
  });

  it('keeps delivery.engineYield when it is a boolean and reports anything else', async () => {
    const logger = recordingLogger();
    expect((await readDeliverySettings(settingsOf({ 'delivery.engineYield': false }), logger)).engineYield).toBe(false);
    const read = await readDeliverySettings(settingsOf({ 'delivery.engineYield': 'no' }), logger);
    expect(read.engineYield).toBeUndefined();
    expect(logger.entries).toEqual([
      { level: 'warn', msg: 'webhooks: setting delivery.engineYield ignored: expected true or false', fields: { value: 'no' } },
    ]);
  });

  it('reports a nice value outside 0-19', async () => {
    const logger = recordingLogger();
    const read = await readDeliverySettings(settingsOf({ 'delivery.engineNice': 20 }), logger);
    expect(read.engineNice).toBeUndefined();
    expect(logger.entries.map((e) => e.msg)).toEqual(['webhooks: setting delivery.engineNice ignored: expected an integer from 0 to 19']);
  });
});

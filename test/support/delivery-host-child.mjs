/**
 * A real reference host in a child process, for the multi-process and crash tests. Plain ESM
 * JavaScript on the built dist/ (run `npm run build` first) so the parent can fork it and
 * SIGKILL it like any host process.
 *
 * Environment: WH_DATABASE_URL, WH_APP_KEY, WH_VAR_DIR, WH_INSTALL=1 to install and enable
 * this repository's module (first process only; later ones boot it as saved).
 * IPC messages in: {type:'emit', from, to, gateways} emits order.paid events from..to-1
 * (event id `evt-<i>`, order id i, gateway `gw<i % gateways>`), awaiting each emitAsync;
 * {type:'close'} shuts the host down gracefully. Out: {type:'ready'}, {type:'emitted', count},
 * {type:'closed'}, {type:'error', message}.
 */
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { createHost } = await import(path.join(repoRoot, 'dist/host/create-host.js'));
const { sampleEvent } = await import(path.join(repoRoot, 'dist/sdk/sample-events.js'));

const send = (msg) => process.send?.(msg);
// A test runner that dies (or is killed) must not leave host processes behind.
process.on('disconnect', () => process.exit(1));

function orderEvent(i, gateways) {
  // Dated by the clock every host process of the test runs on (the real one).
  const base = sampleEvent('order.paid', { seq: i, now: Date.now() });
  return { ...base, eventId: `evt-${i}`, order: { ...base.order, id: i, paymentGateway: `gw${i % gateways}` } };
}

try {
  const host = await createHost({
    port: 0,
    databaseUrl: process.env.WH_DATABASE_URL,
    appKey: process.env.WH_APP_KEY,
    varDir: process.env.WH_VAR_DIR,
    // development: the module may reach the loopback test sink
    profile: 'development',
    locale: 'en',
    timeZone: 'UTC',
    logLevel: process.env.WH_LOG_LEVEL ?? 'warn',
  });
  if (process.env.WH_INSTALL === '1') {
    const manifest = (await import(path.join(repoRoot, 'manifest.json'), { with: { type: 'json' } })).default;
    await host.modules.installFromFolder(repoRoot);
    await host.modules.enable(manifest.uuid);
  }
  process.on('message', (msg) => {
    void (async () => {
      try {
        if (msg.type === 'emit') {
          for (let i = msg.from; i < msg.to; i++) await host.bus.emitAsync('order.paid', orderEvent(i, msg.gateways ?? 1));
          send({ type: 'emitted', count: msg.to - msg.from });
        } else if (msg.type === 'close') {
          await host.close();
          send({ type: 'closed' });
          process.exit(0);
        }
      } catch (err) {
        send({ type: 'error', message: String(err?.stack ?? err) });
      }
    })();
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'error', message: String(err?.stack ?? err) });
  process.exit(1);
}

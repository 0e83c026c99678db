/**
 * A real reference host in a child process, for the multi-process and crash tests. Plain ESM
 * JavaScript on the built dist/ (run `npm run build` first) so the parent can fork it and
 * SIGKILL it like any host process.
 *
 * Environment: WH_DATABASE_URL, WH_APP_KEY, WH_VAR_DIR, WH_INSTALL=1 to install and enable
 * this repository's module (first process only; later ones boot it as saved);
 * WH_PREVIOUS_APP_KEYS (comma list, APP_PREVIOUS_KEYS); WH_CLOCK_OFFSET_MS (the host's clock is
 * the real one plus this offset, so a restarted process keeps a clock jump); WH_MARKETPLACE_URL
 * (the npm registry the host's marketplace lists and updates from).
 * IPC messages in: {type:'emit', from, to, gateways} emits order.paid events from..to-1
 * (event id `evt-<i>`, order id i, gateway `gw<i % gateways>`), awaiting each emitAsync;
 * {type:'emitEvents', events: [{name, payload}]} emits those, each awaited;
 * {type:'jump', ms} moves the host's clock forward; {type:'update', uuid} updates the module
 * through the host's admin API from the marketplace (answers {type:'updated', status, body}); {type:'stats'} asks for the event-loop delay
 * (max and p99 since the last ask) and RSS; {type:'close'} shuts the host down gracefully.
 * Out: {type:'ready'}, {type:'emitted', count}, {type:'jumped'}, {type:'stats', maxDelayMs,
 * p99DelayMs, rssMb}, {type:'closed'}, {type:'error', message}.
 */
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

let clockOffsetMs = Number(process.env.WH_CLOCK_OFFSET_MS ?? 0);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

try {
  const host = await createHost({
    clock: { now: () => Date.now() + clockOffsetMs },
    previousAppKeys: (process.env.WH_PREVIOUS_APP_KEYS ?? '').split(',').filter(Boolean),
    marketplace: process.env.WH_MARKETPLACE_URL ? { registry: process.env.WH_MARKETPLACE_URL } : null,
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
  // One message at a time, in the order sent: a `close` sent after an `emit` waits for it, as a
  // host's graceful shutdown lets the requests it is serving finish before stopping its modules.
  let queue = Promise.resolve();
  process.on('message', (msg) => {
    queue = queue.then(async () => {
      try {
        if (msg.type === 'emit') {
          for (let i = msg.from; i < msg.to; i++) await host.bus.emitAsync('order.paid', orderEvent(i, msg.gateways ?? 1));
          send({ type: 'emitted', count: msg.to - msg.from });
        } else if (msg.type === 'emitEvents') {
          for (const e of msg.events) await host.bus.emitAsync(e.name, e.payload);
          send({ type: 'emitted', count: msg.events.length });
        } else if (msg.type === 'jump') {
          clockOffsetMs += msg.ms;
          send({ type: 'jumped' });
        } else if (msg.type === 'update') {
          const res = await globalThis.fetch(`${host.url}/admin/api/modules/${encodeURIComponent(msg.uuid)}/update`, {
            method: 'POST',
            headers: { authorization: `Bearer ${host.adminToken}`, 'content-type': 'application/json' },
            body: '{}',
          });
          send({ type: 'updated', status: res.status, body: await res.text() });
        } else if (msg.type === 'stats') {
          const ms = (ns) => Math.round(ns / 1e5) / 10;
          send({
            type: 'stats',
            maxDelayMs: ms(loopDelay.max),
            p99DelayMs: ms(loopDelay.percentile(99)),
            rssMb: Math.round(process.memoryUsage().rss / 1048576),
          });
          loopDelay.reset();
        } else if (msg.type === 'close') {
          await host.close();
          send({ type: 'closed' });
          process.exit(0);
        }
      } catch (err) {
        send({ type: 'error', message: String(err?.stack ?? err) });
      }
    });
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'error', message: String(err?.stack ?? err) });
  process.exit(1);
}

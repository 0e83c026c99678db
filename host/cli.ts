/**
 * `npm start`: runs the reference host from the environment (see config.ts), development profile
 * unless HOST_PROFILE says otherwise. On first boot it installs this repository's own module
 * (the repository root is the module folder) and enables it; afterwards the saved state rules,
 * so a module the admin disabled or uninstalled stays so. In development it also starts the local
 * demo inbox and seeds one example webhook pointing at it.
 * `npm run package`: writes var/packages/clientx-module-<uuid>-<version>.tgz (an `npm pack` tarball, see
 * modules/module-package.ts) for a marketplace registry or an upload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { createHost } from './create-host.js';
import { databaseKind } from './db/connect-database.js';
import { describeSqliteDriver } from './db/sqlite-driver.js';
import { buildModulePackage } from './modules/module-package.js';
import { repoRoot } from './paths.js';

async function packageCommand(): Promise<void> {
  const out = await buildModulePackage({ rootDir: repoRoot, outDir: path.join(repoRoot, 'var', 'packages') });
  console.log(
    `package: wrote ${path.relative(process.cwd(), out.file)} (${out.name}@${out.version}, ${fs.statSync(out.file).size} bytes, ${out.integrity})`,
  );
}

async function startCommand(): Promise<void> {
  const config = loadConfig(process.env, { defaultProfile: 'development' });
  const dev = config.profile === 'development';

  // The demo inbox is the development profile's stand-in for Discord and Slack (127.0.0.1 only).
  let inbox: import('./inbox/start-inbox.js').RunningInbox | null = null;
  if (dev && process.env.INBOX_DISABLED !== '1') {
    const { startInbox } = await import('./inbox/start-inbox.js');
    const inboxPort = process.env.INBOX_PORT ? Number(process.env.INBOX_PORT) : config.port === 0 ? 0 : config.port + 1;
    try {
      inbox = await startInbox({ port: inboxPort, locale: config.locale, timeZone: config.timeZone });
    } catch (err) {
      console.warn(`inbox: not started (${(err as Error).message})`);
    }
  }

  // Without MARKETPLACE_REGISTRY, development gets a local marketplace: this module's package
  // as published (manifest version) and a next version with one more migration, to try updates.
  let marketplace = config.marketplace;
  let demoRegistry: { url: string; close(): Promise<void> } | null = null;
  if (dev && !marketplace && process.env.MARKETPLACE_DEMO !== '0') {
    try {
      const { prepareDemoMarketplace } = await import('./marketplace/demo-marketplace.js');
      const port = process.env.MARKETPLACE_DEMO_PORT ? Number(process.env.MARKETPLACE_DEMO_PORT) : config.port === 0 ? 0 : config.port + 2;
      demoRegistry = await prepareDemoMarketplace({ folder: path.join(config.varDir, 'marketplace'), port });
      marketplace = { registry: demoRegistry.url, timeoutMs: 15_000 };
    } catch (err) {
      console.warn(`marketplace: local demo registry not started (${(err as Error).message})`);
    }
  }

  const host = await createHost({
    port: config.port,
    bindAddress: config.bindAddress,
    databaseUrl: config.databaseUrl,
    adminToken: config.adminToken,
    appKey: config.appKey,
    previousAppKeys: config.previousAppKeys,
    locale: config.locale,
    timeZone: config.timeZone,
    profile: config.profile,
    logLevel: config.logLevel,
    varDir: config.varDir,
    allowPrivateNetworks: config.allowPrivateNetworks,
    chatApiBases: config.chatApiBases,
    moduleArchiveLimits: config.moduleArchiveLimits,
    signInLimits: config.signInLimits,
    marketplace,
    allowModuleUpload: config.allowModuleUpload,
    allowFolderInstall: config.allowFolderInstall,
    insecureCookies: config.insecureCookies,
    trustProxy: config.trustProxy,
    moduleTimeoutMs: config.moduleTimeoutMs,
    inboxUrl: inbox?.url,
    inboxReceivers: inbox?.receivers(),
    // Installed before the host listens: its pages never answer 404 while it is mounted.
    firstBootModules: [repoRoot],
  });

  const lines = [
    '',
    `  Reference host ready (${config.profile}, ${config.locale}, database ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')})`,
    ...(databaseKind(config.databaseUrl) === 'sqlite' ? [`  SQLite:      ${describeSqliteDriver()}`] : []),
    `  Admin:       ${host.url}/admin`,
    `  Admin token: ${config.adminTokenGenerated ? host.adminToken + '   (generated for this run; set ADMIN_TOKEN to choose one)' : '(from ADMIN_TOKEN)'}`,
    `  Simulator:   ${host.url}/admin/simulate`,
  ];
  if (inbox) lines.push(`  Local inbox: ${inbox.url}`);
  if (marketplace)
    lines.push(
      `  Marketplace: ${marketplace.registry}${demoRegistry ? `   (local demo registry serving ${path.join(config.varDir, 'marketplace')})` : ''}`,
    );
  console.log(lines.join('\n') + '\n');

  if (inbox && (await host.modules.get('webhooks'))?.running) {
    // The inbox's "use this receiver" links open the module's webhook form prefilled with one.
    inbox.offerReceivers((platform) => `${host.url}/admin/modules/webhooks/webhooks/new?receiver=${encodeURIComponent(platform)}`);
    const { seedDemoWebhook } = await import('./inbox/seed-demo-webhook.js');
    const seeded = await seedDemoWebhook({
      hostUrl: host.url,
      adminToken: host.adminToken,
      discordWebhookUrl: inbox.discordWebhookUrl(),
      dataDir: config.varDir,
      locale: config.locale,
    }).catch((err: Error) => ({ outcome: 'failed', detail: err.message }));
    if (seeded.outcome === 'created') console.log('  Example webhook created: it posts to the local inbox.\n');
    else if (seeded.outcome === 'failed') console.warn(`  Example webhook not created (${seeded.detail ?? 'unknown reason'}).\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    // Whatever a module does in its shutdown(), the process ends: each module's shutdown is
    // bounded by the module timeout, and the whole stop by that plus a margin.
    const boundMs = config.moduleTimeoutMs + 5_000;
    setTimeout(() => {
      console.error(`${signal}: not stopped within ${boundMs / 1000} s, exiting anyway`);
      process.exit(1);
    }, boundMs).unref();
    await host.close();
    await inbox?.close();
    await demoRegistry?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const command = process.argv[2] ?? 'start';
const run = command === 'package' ? packageCommand : command === 'start' ? startCommand : null;
if (!run) {
  console.error(`unknown command "${command}" (use: start, package)`);
  process.exit(2);
}
run().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `configuration: ${err.message}` : `host: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});

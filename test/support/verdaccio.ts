/**
 * A real npm registry for tests: Verdaccio 6.8.0 (the devDependency) in a child process on
 * 127.0.0.1, with its own storage in a temporary folder, no uplink (nothing leaves the machine)
 * and one user, so packages are published with the real `npm publish`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './host-child.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class Verdaccio {
  private child: ChildProcess | null = null;
  private output = '';
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-verdaccio-'));
  url = '';
  /** The publisher's token (also what a host passes as MARKETPLACE_TOKEN for the private packages). */
  token = '';

  get storage(): string {
    return path.join(this.dir, 'storage');
  }

  async start(): Promise<this> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}/`;
    const config = path.join(this.dir, 'config.yaml');
    fs.writeFileSync(
      config,
      [
        `storage: ${this.storage}`,
        'auth:',
        '  htpasswd:',
        `    file: ${path.join(this.dir, 'htpasswd')}`,
        '    max_users: 10',
        'uplinks: {}',
        'packages:',
        // A private corner: only a signed-in client (MARKETPLACE_TOKEN) reads these.
        "  'clientx-module-private-*':",
        '    access: $authenticated',
        '    publish: $authenticated',
        "  '**':",
        '    access: $all',
        '    publish: $authenticated',
        'log: { type: stdout, format: pretty, level: warn }',
        'web:',
        '  enable: false',
        '',
      ].join('\n'),
    );
    this.child = spawn(
      process.execPath,
      [path.join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout!.on('data', (d: Buffer) => (this.output += String(d)));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += String(d)));
    const until = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`verdaccio exited: ${this.output}`);
      const ok = await fetch(`${this.url}-/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > until) throw new Error(`verdaccio did not start: ${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // What `npm adduser` does: the registry creates the user and answers a token.
    const res = await fetch(`${this.url}-/user/org.couchdb.user:publisher`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'publisher', password: 'publisher-password-1', type: 'user' }),
    });
    const body = (await res.json()) as { token?: string };
    if (!body.token) throw new Error(`verdaccio: no token for the test user (${res.status})`);
    this.token = body.token;
    fs.writeFileSync(path.join(this.dir, 'npmrc'), `//127.0.0.1:${port}/:_authToken=${this.token}\n`);
    return this;
  }

  /** `npm publish <tarball>` to this registry, as a publisher would. */
  async publish(tarball: string): Promise<void> {
    await promisify(execFile)('npm', ['publish', tarball, '--registry', this.url, '--userconfig', path.join(this.dir, 'npmrc')], {
      cwd: this.dir,
      env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
    });
  }

  /** The tarball file Verdaccio serves for a version (tests tamper with it). */
  tarballFile(name: string, version: string): string {
    return path.join(this.storage, name, `${name}-${version}.tgz`);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

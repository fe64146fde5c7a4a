// Starts `wrangler dev` (wrangler.dev.toml, emulator transport) on a free loopback port for the
// Node-side tests (browser, real SDK clients), and stops it with its whole process group.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDocs } from '../../scripts/build-docs.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/**
 * @param {string[]} vars extra `--var NAME:value` pairs
 * @param {{ config?: string, local?: boolean }} options which wrangler config; `local` adds --local
 * @returns the server's URL, its inspector port (DevTools protocol), stop() and its output so far
 */
export async function startDevServer(vars = [], { config = 'wrangler.dev.toml', local = false } = {}) {
  // The pages (public/, wrangler's [assets]), as `npm run dev` builds them first.
  await buildDocs();
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    join(root, 'scripts', 'wrangler.mjs'),
    'dev',
    '--config',
    config,
    ...(local ? ['--local'] : []),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    // Its own inspector port too: the default 9229 is taken when another dev server runs on the machine.
    '--inspector-port',
    String(inspectorPort),
    ...vars.flatMap((v) => ['--var', v]),
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  };
  const deadline = Date.now() + 60_000;
  while (!/Ready on/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error(`wrangler dev did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${port}`, inspectorPort, stop, output: () => output };
}

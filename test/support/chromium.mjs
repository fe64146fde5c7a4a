// Finds the browser for the Node-side browser test, so that `npm install && npm test` needs nothing
// installed on the machine: by default the Chromium (chrome-headless-shell) that ships, brotli-
// compressed, inside the pinned npm package @sparticuz/chromium, with its NSS/expat libraries and
// a font; CHROMIUM_PATH names a system browser instead.
//
// The package extracts into os.tmpdir() and reuses whatever `chromium` it finds there, shared by
// every checkout and version on the machine. So the extraction runs with TMPDIR pointed at a fresh
// directory and is then renamed into node_modules/.cache/sparticuz-chromium-<version>/ in one step:
// a half-extracted or foreign binary is never picked up, and concurrent runs do not collide.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Chromium, { inflate } from '@sparticuz/chromium';
import { root } from './dev-server.mjs';

// The package's folder (its exports hide package.json and bin/ from require.resolve).
const packageDir = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..');

/** Flags for a headless run on a machine with no network but loopback (no update, sync, QUIC). */
export const launchArgs = (userDataDir) => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--user-data-dir=${userDataDir}`,
];

async function extract(dir) {
  const cache = dirname(dir);
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'extracting-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = work;
  try {
    const bin = join(packageDir, 'bin');
    const exe = await Chromium.executablePath(bin);
    if (exe !== join(work, 'chromium')) throw new Error(`@sparticuz/chromium extracted to ${exe}, not into ${work}`);
    // Its NSS, NSPR and expat (built for Amazon Linux; the package unpacks them only on AWS):
    // given to the browser through LD_LIBRARY_PATH so no system library is needed.
    await inflate(join(bin, 'al2023.tar.br'));
    // Its fonts.conf names /tmp/fonts; write one naming the extracted fonts.
    writeFileSync(
      join(work, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${join(dir, 'fonts')}</dir><cachedir>${join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`,
    );
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(work, dir);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw err; // another run finished first: use its copy
  }
}

/**
 * @returns {Promise<{ executablePath: string, env: Record<string, string>, source: string }>}
 *   the browser to launch, the environment to launch it with, and where it came from
 */
export async function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    return { executablePath: process.env.CHROMIUM_PATH, env: { ...process.env }, source: 'CHROMIUM_PATH' };
  }
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  const dir = join(root, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) await extract(dir);
  const lib = join(dir, 'al2023', 'lib'); // where the package unpacks al2023.tar.br
  return {
    executablePath: join(dir, 'chromium'),
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: join(dir, 'fonts'),
    },
    source: `@sparticuz/chromium ${version}`,
  };
}

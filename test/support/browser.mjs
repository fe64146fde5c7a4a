// The harness of the Node-side browser tests (test/browser/*.mjs): `wrangler dev` on the emulator
// with the given vars, the Chromium of test/support/chromium.mjs in a fresh profile, offline (a
// request leaving the Worker is a problem, as is an error on the page), then one result line
// ("1 passed, 0 failed" or "0 passed, 1 failed") and the exit code, with everything cleaned up.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium, launchArgs } from './chromium.mjs';
import { root, startDevServer } from './dev-server.mjs';

/**
 * Runs `body({ context, page, base, found, problems, step, screenshot })` and exits. `name` names
 * the profile directory, `label` the output lines; `allowProtocols`: URL schemes the page may load
 * besides the Worker's origin; `consoleErrors`: whether a console error counts as a problem.
 */
export async function runBrowserTest({ name, label, devVars, allowProtocols = ['data:'], consoleErrors = false }, body) {
  const found = await findChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), `${name}-test-profile-`));
  const server = await startDevServer(devVars);
  const base = server.url;
  let context;
  let failed = false;
  try {
    // launchPersistentContext: the profile is a fresh directory of ours (Playwright's launch() would
    // refuse a --user-data-dir argument).
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: found.executablePath,
      env: found.env,
      args: launchArgs(userDataDir).filter((a) => !a.startsWith('--user-data-dir=')),
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    // Offline: the pages may load nothing but the Worker itself (no CDN, no font, no analytics).
    await context.route((url) => url.origin !== new URL(base).origin && !allowProtocols.includes(url.protocol), (route) => {
      problems.push(`request outside the Worker: ${route.request().url()}`);
      return route.abort();
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    if (consoleErrors) page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
    const step = (name) => console.log(`${label}: ${name}`);
    const screenshot = async (name) => {
      mkdirSync(join(root, 'test', 'browser', 'out'), { recursive: true });
      await page.screenshot({ path: join(root, 'test', 'browser', 'out', `${name}.png`), fullPage: true });
    };
    await body({ context, page, base, found, problems, step, screenshot });
    if (problems.length) throw new Error(problems.join('\n'));
    console.log('1 passed, 0 failed');
  } catch (err) {
    failed = true;
    console.error(`${label} failed: ${err.stack ?? err}`);
    console.log('0 passed, 1 failed');
  } finally {
    await context?.close();
    server.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

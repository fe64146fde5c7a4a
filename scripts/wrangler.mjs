#!/usr/bin/env node
// Runs the project's pinned wrangler with telemetry and network look-ups off, so `npm run dev`
// and `npm run build` work offline. For `dev`, says up front which AI transport will answer.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === 'dev') {
  const devVars = join(root, '.dev.vars');
  const vars = existsSync(devVars) ? readFileSync(devVars, 'utf8') : '';
  const has = (name) => new RegExp(`^\\s*${name}\\s*=\\s*\\S`, 'm').test(vars) || args.some((a) => a.startsWith(`${name}:`));
  const forced = /^\s*AI_TRANSPORT\s*=\s*"?(\w+)/m.exec(vars)?.[1] ?? args.find((a) => a.startsWith('AI_TRANSPORT:'))?.split(':')[1];
  const transport = forced ?? (has('CLOUDFLARE_API_TOKEN') ? 'rest' : 'emulator');
  console.log(
    transport === 'emulator'
      ? '[workers-ai-openai] AI transport: EMULATOR (offline). Every response is synthetic; add CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN to .dev.vars for real models.'
      : `[workers-ai-openai] AI transport: ${transport}.`,
  );
}

const bin = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const child = spawn(process.execPath, [bin, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

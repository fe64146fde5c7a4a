#!/usr/bin/env node
/**
 * The 413-then-broken-connection case of issue 13, against `wrangler dev`: a body over
 * MAX_BODY_BYTES sent chunked (no Content-Length) and with a Content-Length, each followed by a
 * second request on the SAME keep-alive socket, which must get its normal answer. Runs RUNS
 * times each (the failure was intermittent). Exit code 1 on any failure.
 */
import http from 'node:http';
import { startDevServer } from '../support/dev-server.mjs';

const RUNS = Number(process.env.RUNS ?? 4);
// MAX_BODY_BYTES for this run (default: the proxy's own 32 MiB, which the 40 MB upload passes mid-body).
const LIMIT = process.env.LIMIT ? Number(process.env.LIMIT) : undefined;
const UPLOAD = 40 * 1024 * 1024;
const KEY = 'sk-body-limit';

const server = await startDevServer([`PROXY_API_KEY:${KEY}`, ...(LIMIT ? [`MAX_BODY_BYTES:${LIMIT}`] : []), 'LOG_REQUESTS:false']);
const { hostname, port } = new URL(server.url);
let failures = 0;

/** One request on `agent` (one socket); resolves with status, body and the socket used. */
function request(agent, { method = 'GET', path = '/v1/models', body, chunked = false }) {
  return new Promise((resolve) => {
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    if (body !== undefined && !chunked) headers['content-length'] = String(body.length);
    const req = http.request({ hostname, port, path, method, agent, headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8'), socket: req.socket }));
      res.on('error', (err) => resolve({ error: err.code ?? err.message, socket: req.socket }));
    });
    req.on('error', (err) => resolve({ error: err.code ?? err.message, socket: req.socket }));
    if (body === undefined) return req.end();
    // Written in 64 KiB pieces as a client streams an upload; stops quietly if the server hung up.
    let at = 0;
    const write = () => {
      while (at < body.length) {
        const ok = req.write(body.subarray(at, at + 65536));
        at += 65536;
        if (!ok) return req.once('drain', write);
      }
      req.end();
    };
    req.on('error', () => (at = body.length));
    write();
  });
}

try {
  const big = Buffer.alloc(UPLOAD, 0x20);
  big.write('{"model":"x","messages":[],"pad":"', 0);
  for (const chunked of [true, false]) {
    for (let run = 1; run <= RUNS; run++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const first = await request(agent, { method: 'POST', path: '/v1/chat/completions', body: big, chunked });
      const second = await request(agent, {});
      const sameSocket = first.socket === second.socket;
      const ok = first.status === 413 && second.status === 200 && /"object":"list"/.test(second.body);
      if (!ok) failures++;
      console.log(
        `${chunked ? 'chunked' : 'content-length'} run ${run}: first ${first.status ?? first.error}, second ${second.status ?? second.error}` +
          `${second.status && second.status !== 200 ? ` ${JSON.stringify(second.body.slice(0, 120))}` : ''} (${sameSocket ? 'same socket' : 'new socket'}) ${ok ? 'ok' : 'FAIL'}`,
      );
      agent.destroy();
    }
  }
} finally {
  if (failures) console.log(`--- wrangler dev output (last 3000 chars) ---\n${server.output().slice(-3000)}`);
  server.stop();
}
process.exit(failures ? 1 : 0);

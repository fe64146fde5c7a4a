import type { Context, Next } from 'hono';
import { onStreamEnd } from '../lib/stream-end';
import { KeyMeter, keyRefusedAt, meteredUpstream, type KeyRecord } from '../services/keys';
import type { ManagedKeys } from '../services/keys';
import type { AppEnv } from '../types';

const STREAM_TYPES = /^(?:text\/event-stream|application\/x-ndjson)/;

/**
 * A request on a managed key: refused when the key is disabled or expired; otherwise every
 * upstream run of it goes through the key's meter (allowance, then one reservation on the key's
 * ledger), and when the answer is over (a stream at its end, on cancel or error) the meter
 * settles the reservation with the costs the request's onCharge reported.
 */
export async function meterManagedKey(c: Context<AppEnv>, keys: ManagedKeys, key: KeyRecord, next: Next): Promise<void> {
  const refused = keyRefusedAt(key, Date.now());
  if (refused) throw refused;
  c.set('clientId', `key:${key.hash.slice(0, 16)}`);
  const meter = new KeyMeter(key, keys.ledger);
  // The scope object is the one request-context and the services hold: chain onto its meter, so both see every charge.
  const scope = c.get('scope');
  scope.keyName = key.name;
  const report = scope.onCharge;
  scope.onCharge = (charge) => {
    report?.(charge);
    meter.record(charge);
  };
  const services = c.get('services');
  c.set('services', { ...services, upstream: meteredUpstream(services.upstream, meter) });
  await next();
  const res = c.res;
  if (res.body && STREAM_TYPES.test(res.headers.get('content-type') ?? '')) {
    c.res = new Response(onStreamEnd(res.body, () => meter.settle()), res);
    return;
  }
  const settled = meter.settle();
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // No execution context (a bare fetch call): settle before answering instead.
    await settled;
  }
}

/**
 * The optional response store behind `store: true`, item references, previous_response_id and
 * GET / DELETE /v1/responses/{id}: the RESPONSES_STORE KV namespace, or on the emulator without
 * it an in-memory map (per isolate, not persistent).
 *
 * One record per response, under its `resp_` id and the client's key fingerprint: the Response
 * object and the conversation it ended (input items + output items, references resolved), which
 * is what previous_response_id continues. Output item ids carry their response's id
 * (`msg_<response hex><index>`), so an item reference is found by reading that one record: one
 * KV write per response instead of one per item, and one read for all the references a turn makes
 * to the same earlier response (the usual case: the Vercel AI SDK refers to every item of the last
 * step).
 */
import type { InputItem } from '../../schemas/responses';
import type { ResponseObject } from './object';

export type { KvLike } from '../offline';
import type { KvLike } from '../offline';

export interface StoredResponse {
  response: ResponseObject;
  /** The whole conversation after this response: what previous_response_id prepends. */
  conversation: InputItem[];
}

/** `resp_<32 hex>` -> `msg_<32 hex><index in hex>`: the item names its response. */
export const itemIdOf = (prefix: 'msg' | 'fc' | 'rs', responseId: string, index: number) => `${prefix}_${responseId.slice(5)}${index.toString(16)}`;

const ITEM_ID = /^(?:msg|fc|rs)_([0-9a-f]{32})[0-9a-f]{1,4}$/;

/** The response an output item id belongs to, if it is one of this proxy's ids. */
export const responseIdOfItem = (itemId: string): string | undefined => {
  const m = ITEM_ID.exec(itemId);
  return m ? `resp_${m[1]}` : undefined;
};

const RESPONSE_ID = /^resp_[0-9a-f]{32}$/;

export class ResponsesStore {
  constructor(
    private readonly kv: KvLike,
    readonly ttlSeconds: number,
    /** true for the emulator's in-memory stand-in. */
    readonly inMemory: boolean,
  ) {}

  private key = (clientId: string, responseId: string) => `responses/${clientId}/${responseId}`;

  async get(clientId: string, responseId: string): Promise<StoredResponse | undefined> {
    // Ids this proxy never makes are not looked up (and cannot make odd keys).
    if (!RESPONSE_ID.test(responseId)) return undefined;
    const text = await this.kv.get(this.key(clientId, responseId));
    return text === null ? undefined : (JSON.parse(text) as StoredResponse);
  }

  async put(clientId: string, record: StoredResponse): Promise<void> {
    await this.kv.put(this.key(clientId, record.response.id), JSON.stringify(record), { expirationTtl: this.ttlSeconds });
  }

  async delete(clientId: string, responseId: string): Promise<void> {
    await this.kv.delete(this.key(clientId, responseId));
  }

  /** How long records are kept, for error messages. */
  get ttlText(): string {
    const s = this.ttlSeconds;
    if (s % 86400 === 0) return `${s / 86400} day${s === 86400 ? '' : 's'}`;
    if (s % 3600 === 0) return `${s / 3600} hour${s === 3600 ? '' : 's'}`;
    return `${s} seconds`;
  }
}

/** Why a stored response or item was not found: when records are kept, for whom, and for how long. */
export const notKept = (what: string, store: ResponsesStore) =>
  `${what} not found. Responses are kept only when created with store: true while RESPONSES_STORE is bound${store.inMemory ? ' (on the emulator, in memory until the dev server restarts)' : ''}, for the API key that created them, and expire after ${store.ttlText}.`;

/** KV when bound; the dev entry's in-memory map on the emulator; otherwise none (nothing is stored). */
export function createResponsesStore(kv: KVNamespace | undefined, memory: KvLike | undefined, ttlSeconds: number): ResponsesStore | undefined {
  if (kv) return new ResponsesStore({ get: (k) => kv.get(k), put: (k, v, o) => kv.put(k, v, o), delete: (k) => kv.delete(k) }, ttlSeconds, false);
  return memory ? new ResponsesStore(memory, ttlSeconds, true) : undefined;
}

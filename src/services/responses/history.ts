/**
 * Stored state in a Responses request: `item_reference` items become the output items they name,
 * `previous_response_id` becomes the conversation that response ended; and the conversation a
 * new response ends, which is what gets stored for the next previous_response_id.
 */
import { ApiError, unsupportedParameter } from '../../errors';
import type { CreateResponseRequest, InputItem } from '../../schemas/responses';
import type { OutputItem } from './object';
import { NO_STORE } from './request';
import { notKept, responseIdOfItem, type ResponsesStore, type StoredResponse } from './store';

export interface ResolvedInput {
  /** The stored conversation previous_response_id continues (empty without one). */
  history: InputItem[];
  /** The request's input with every reference resolved (reasoning references stay: they are skipped). */
  input: CreateResponseRequest['input'];
}

/** Output items are input items as they are (a message, function_call or reasoning item). */
const asInput = (item: OutputItem) => item as unknown as InputItem;

const isReasoningRef = (item: InputItem) => item.type === 'item_reference' && item.id.startsWith('rs_');

/** Resolves references and previous_response_id; without a store, references stay for request.ts to refuse. */
export async function resolveInput(store: ResponsesStore | undefined, clientId: string, req: CreateResponseRequest): Promise<ResolvedInput> {
  const prev = req.previous_response_id;
  if (prev != null && !store) throw unsupportedParameter('previous_response_id', `previous_response_id cannot be continued: nothing is stored. ${NO_STORE}`);
  const refs = typeof req.input === 'string' ? [] : req.input.filter((i) => i.type === 'item_reference' && !isReasoningRef(i));
  if (!store || (prev == null && !refs.length)) return { history: [], input: req.input };

  // One read per response named, all at once: references to one response share its record.
  const records = new Map<string, Promise<StoredResponse | undefined>>();
  const read = (id: string) => {
    let r = records.get(id);
    if (!r) records.set(id, (r = store.get(clientId, id)));
    return r;
  };
  const previous = prev != null ? read(prev) : undefined;
  for (const ref of refs) {
    const owner = ref.type === 'item_reference' && responseIdOfItem(ref.id);
    if (owner) read(owner);
  }
  await Promise.all(records.values());

  let history: InputItem[] = [];
  if (previous) {
    const record = await previous;
    if (!record) {
      throw new ApiError(
        400,
        notKept(`Previous response '${prev}'`, store),
        'invalid_request_error',
        'previous_response_id',
        'previous_response_not_found',
      );
    }
    history = record.conversation;
  }
  if (typeof req.input === 'string') return { history, input: req.input };

  const input: InputItem[] = [];
  for (const [i, item] of req.input.entries()) {
    if (item.type !== 'item_reference' || isReasoningRef(item)) {
      input.push(item);
      continue;
    }
    const owner = responseIdOfItem(item.id);
    const found = owner ? (await read(owner))?.response.output.find((o) => o.id === item.id) : undefined;
    if (!found) {
      throw new ApiError(
        400,
        notKept(`Item '${item.id}'`, store),
        'invalid_request_error',
        `input[${i}]`,
        'item_not_found',
      );
    }
    input.push(asInput(found));
  }
  return { history, input };
}

/**
 * What a response leaves for previous_response_id: the history, its input and its output.
 * Reasoning is left out: it is never sent back to the model, so it would only take space.
 */
export function conversationOf(resolved: ResolvedInput, output: readonly OutputItem[]): InputItem[] {
  const input: InputItem[] = typeof resolved.input === 'string' ? [{ role: 'user', content: resolved.input }] : resolved.input;
  return [...resolved.history, ...input, ...output.map(asInput)].filter((i) => i.type !== 'reasoning' && i.type !== 'item_reference');
}

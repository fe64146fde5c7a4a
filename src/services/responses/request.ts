/**
 * A Responses API request as the chat completion request the chat engine runs: `instructions`
 * and input items become messages, function tools become chat tools, `text.format` becomes
 * `response_format`, `reasoning.effort` becomes `reasoning_effort`. What the proxy cannot honour
 * is refused here, with `param` naming the client's own field.
 */
import { ApiError, invalidValue, notSupported, unsupportedParameter } from '../../errors';
import type { ChatCompletionRequest, ChatMessage } from '../../schemas/chat';
import type { ContentPart, CreateResponseRequest, InputItem } from '../../schemas/responses';
import { chatEffort, functionTool, NO_FILES_API, type ChatTool } from '../chat/translation';

type UserPart = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];
type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

export interface ChatTranslation {
  chat: ChatCompletionRequest;
  /** Where each chat message came from (`instructions`, `input`, `input[3]`), to name the client's field in errors. */
  origins: string[];
}

/** Why stored state is unavailable, and what to do instead. */
export const NO_STORE =
  'Responses are stored only while the RESPONSES_STORE KV namespace is bound (docs/responses.md): bind it, or send the whole conversation in `input` with `store: false`.';

/** What the proxy cannot offer, in the refusals of the Responses request. */
const BUILT_IN = 'built-in tool, which this proxy does not offer';
const NO_LOGPROBS = 'Workers AI returns no token probabilities (logprobs).';

/** Request-level features with no counterpart here. */
function rejectUnsupported(req: CreateResponseRequest): void {
  // previous_response_id is resolved (or refused) by history.ts before this.
  if (req.conversation != null) throw unsupportedParameter('conversation', 'The Conversations API is not offered: use previous_response_id, or send the whole conversation in `input`.');
  if (req.background === true) throw notSupported('background', 'Background mode');
  if (req.prompt != null) throw notSupported('prompt', 'Stored prompt templates', ' Send `instructions` and `input`.');
  if (req.top_logprobs) throw unsupportedParameter('top_logprobs', NO_LOGPROBS);
  req.include?.forEach((value, i) => {
    if (value === 'message.output_text.logprobs') throw unsupportedParameter(`include[${i}]`, NO_LOGPROBS);
    if (value !== 'reasoning.encrypted_content' && value !== 'message.input_image.image_url') {
      throw unsupportedParameter(`include[${i}]`, `include "${value}" belongs to a ${BUILT_IN}.`);
    }
  });
}

function textOfOutput(output: string | ContentPart[], param: string): string {
  if (typeof output === 'string') return output;
  return output
    .map((p, j) => {
      if (p.type === 'input_text' || p.type === 'output_text') return p.text;
      throw unsupportedParameter(`${param}[${j}]`, `Function call outputs take text parts only, not "${p.type}".`);
    })
    .join('\n');
}

function userParts(content: ContentPart[], param: string): UserPart[] {
  return content.map((p, j): UserPart => {
    const at = `${param}[${j}]`;
    switch (p.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: p.text };
      case 'refusal':
        return { type: 'text', text: p.refusal };
      case 'input_image':
        if (p.image_url) return { type: 'image_url', image_url: { url: p.image_url, ...(p.detail && { detail: p.detail }) } };
        if (p.file_id) throw unsupportedParameter(`${at}.file_id`, `${NO_FILES_API}; send an \`image_url\`.`);
        throw invalidValue(`${at}.image_url`, 'An input_image part needs an `image_url` (a data URL or an http(s) URL).');
      default:
        throw notSupported(at, `Content of type "${p.type}"`);
    }
  });
}

/** Text-only content (system, developer and assistant messages): text, output_text and refusal parts. */
function textParts(content: ContentPart[], param: string, role: string): { type: 'text'; text: string }[] {
  return content.map((p, j) => {
    if (p.type === 'input_text' || p.type === 'output_text') return { type: 'text', text: p.text };
    if (p.type === 'refusal') return { type: 'text', text: p.refusal };
    throw unsupportedParameter(`${param}[${j}]`, `"${p.type}" is not taken in ${role} messages: only user messages may carry images.`);
  });
}

function messageOf(item: Extract<InputItem, { role: string }>, param: string): ChatMessage {
  const { role, content } = item;
  const at = `${param}.content`;
  if (role === 'user') return { role, content: typeof content === 'string' ? content : userParts(content, at) };
  const text = typeof content === 'string' ? content : textParts(content, at, role);
  return role === 'assistant' ? { role, content: text } : { role, content: text };
}

/** Input items as chat messages; consecutive function calls join the assistant message before them. */
function messagesOf(input: InputItem[], messages: ChatMessage[], origins: string[], paramOf: (i: number) => string): void {
  input.forEach((item, i) => {
    const param = paramOf(i);
    switch (item.type) {
      case undefined:
      case 'message':
        messages.push(messageOf(item, param));
        origins.push(param);
        return;
      case 'function_call': {
        const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
        const last = messages.at(-1);
        if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
        else {
          messages.push({ role: 'assistant', content: null, tool_calls: [call] } satisfies AssistantMessage);
          origins.push(param);
        }
        return;
      }
      case 'function_call_output':
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: textOfOutput(item.output, `${param}.output`) });
        origins.push(param);
        return;
      case 'reasoning':
        return; // Not sent back to the model, as in chat completions.
      case 'item_reference':
        // Left here only without a store (history.ts resolves them otherwise). A reasoning
        // reference would be dropped anyway; anything else is content that was never kept.
        if (item.id.startsWith('rs_')) return;
        throw unsupportedParameter(param, `Item reference \`${item.id}\` cannot be resolved: nothing is stored. ${NO_STORE}`);
      default:
        throw unsupportedParameter(`${param}.type`, `Input items of type "${item.type}" belong to built-in tools, which this proxy does not offer.`);
    }
  });
}

function toolsOf(req: CreateResponseRequest): ChatTool[] | undefined {
  if (!req.tools) return undefined;
  return req.tools.map((t, i): ChatTool => {
    if (t.type !== 'function') {
      throw unsupportedParameter(`tools[${i}]`, `The built-in tool "${t.type}" is not supported; only function tools are.`);
    }
    return functionTool(t.name, t.description, t.parameters, t.strict);
  });
}

/** tool_choice in chat terms; `allowed_tools` narrows the tool list itself. */
function toolChoiceOf(req: CreateResponseRequest, tools: ChatTool[] | undefined): Pick<ChatCompletionRequest, 'tools' | 'tool_choice'> {
  const choice = req.tool_choice;
  if (choice == null || typeof choice === 'string') return { tools, tool_choice: choice };
  if (choice.type === 'function') return { tools, tool_choice: { type: 'function', function: { name: choice.name } } };
  if (choice.type === 'allowed_tools') {
    const names = new Set<string>();
    choice.tools.forEach((t, i) => {
      if (t.type !== 'function' || !t.name) throw unsupportedParameter(`tool_choice.tools[${i}]`, 'Only function tools (with a name) can be allowed here.');
      names.add(t.name);
    });
    return { tools: tools?.filter((t) => names.has(t.function.name)), tool_choice: choice.mode };
  }
  throw unsupportedParameter('tool_choice', `tool_choice "${choice.type}" names a ${BUILT_IN}.`);
}

function responseFormatOf(req: CreateResponseRequest): ChatCompletionRequest['response_format'] {
  const format = req.text?.format;
  if (!format || format.type !== 'json_schema') return format;
  const { name, description, schema, strict } = format;
  return { type: 'json_schema', json_schema: { name, schema, ...(description != null && { description }), ...(strict != null && { strict }) } };
}

/** `history`: the stored conversation previous_response_id continues, before `input`. */
export function toChatRequest(req: CreateResponseRequest, history: readonly InputItem[] = []): ChatTranslation {
  rejectUnsupported(req);
  const messages: ChatMessage[] = [];
  const origins: string[] = [];
  if (req.instructions) {
    messages.push({ role: 'system', content: req.instructions });
    origins.push('instructions');
  }
  messagesOf(history as InputItem[], messages, origins, () => 'previous_response_id');
  if (typeof req.input === 'string') {
    messages.push({ role: 'user', content: req.input });
    origins.push('input');
  } else messagesOf(req.input, messages, origins, (i) => `input[${i}]`);
  if (!messages.length) throw invalidValue('input', 'The input holds no message for the model (only reasoning items).');

  return {
    chat: {
      model: req.model,
      messages,
      stream: req.stream,
      max_completion_tokens: req.max_output_tokens,
      temperature: req.temperature,
      top_p: req.top_p,
      ...toolChoiceOf(req, toolsOf(req)),
      parallel_tool_calls: req.parallel_tool_calls,
      response_format: responseFormatOf(req),
      reasoning_effort: chatEffort(req.reasoning?.effort),
      prompt_cache_key: req.prompt_cache_key,
    },
    origins,
  };
}

/** Chat parameter names that have another name in the Responses API. */
const PARAMS: Record<string, string> = {
  messages: 'input',
  response_format: 'text.format',
  max_tokens: 'max_output_tokens',
  max_completion_tokens: 'max_output_tokens',
  reasoning_effort: 'reasoning.effort',
};

/** An error from the chat engine with `param` naming the client's Responses field (`messages[2].content` -> `input[1].content`). */
export function inResponsesTerms(err: unknown, origins: readonly string[]): unknown {
  if (!(err instanceof ApiError) || !err.param) return err;
  const m = /^messages\[(\d+)\]/.exec(err.param);
  const param = m ? (origins[Number(m[1])] ?? 'input') + err.param.slice(m[0].length) : (PARAMS[err.param] ?? err.param);
  return param === err.param ? err : new ApiError(err.status, err.message, err.type, param, err.code, err.headers);
}

/**
 * An Anthropic Messages request as the chat completion request the chat engine runs: `system`
 * (and `system` messages) become the leading system message, content blocks become chat parts,
 * `tool_use` / `tool_result` blocks become tool calls and tool messages, `thinking` and
 * `output_config.effort` become `reasoning_effort`. What the proxy cannot honour is refused here
 * with an Anthropic-style message naming the field (`messages.2.content.0`).
 */
import { invalidRequest } from '../../errors';
import type { ChatCompletionRequest, ChatMessage } from '../../schemas/chat';
import type { AnthropicTool, ContentBlock, CountTokensRequest, CreateMessageRequest, MessageParam } from '../../schemas/messages';
import { chatEffort, functionTool, NO_FILES_API, type ChatTool } from '../chat/translation';

type UserPart = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];
type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ToolResult = Extract<ContentBlock, { type: 'tool_result' }>;

export interface ChatTranslation {
  chat: ChatCompletionRequest;
  /** Whether thinking is shown to the client (`display: "omitted"` asks for none). */
  showThinking: boolean;
}

const refuse = (message: string) => invalidRequest(message, null, 'unsupported_parameter');
const invalid = (message: string) => invalidRequest(message, null, 'invalid_value');

/** Why each unsupported block type is refused. */
const BLOCK_REASONS: Record<string, string> = {
  document: 'Document (PDF, text) blocks are not supported; send a `text` block.',
  search_result: 'Search result blocks are not supported; send a `text` block.',
  container_upload: 'Code-execution containers are not available here.',
  compaction: 'Server-side compaction is not available; send the conversation as it is.',
};
const blockRefusal = (type: string, at: string) =>
  refuse(`${at}: ${BLOCK_REASONS[type] ?? `\`${type}\` blocks belong to Anthropic's server tools, which this proxy does not offer.`}`);
const noCitations = (at: string) => refuse(`${at}: citations are not supported.`);

/** Claude Code puts a billing marker for Anthropic's servers at the top of its system prompt: not for the model. */
const BILLING_HEADER = /^x-anthropic-billing-header:/;

function systemText(system: CreateMessageRequest['system']): string[] {
  if (system === undefined) return [];
  if (typeof system === 'string') return system ? [system] : [];
  return system.filter((b, i) => {
    if (b.citations?.length) throw noCitations(`system.${i}`);
    return b.text && !BILLING_HEADER.test(b.text);
  }).map((b) => b.text);
}

function imagePart(block: Extract<ContentBlock, { type: 'image' }>, at: string): UserPart {
  const { source } = block;
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  throw refuse(`${at}.source: ${NO_FILES_API}; send base64 or a URL.`);
}

/** A tool result's content as the tool message text; `tool_reference` blocks load deferred tools. */
function toolResultText(block: ToolResult, at: string, loaded: Set<string>): string {
  const content = block.content ?? '';
  const text =
    typeof content === 'string'
      ? content
      : content
          .map((b, j) => {
            if (b.type === 'text') return b.text;
            if (b.type === 'tool_reference') {
              loaded.add(b.tool_name);
              return `Tool loaded: ${b.tool_name}`;
            }
            if (b.type === 'image') throw refuse(`${at}.content.${j}: images inside tool results are not supported; send them in a user message.`);
            throw blockRefusal(b.type, `${at}.content.${j}`);
          })
          .join('\n');
  // Chat tool messages have no error flag: the model reads it in the text.
  return block.is_error ? `Error: ${text}` : text;
}

const unanswered = (i: number, ids: string[]) =>
  invalid(`messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(', ')}.`);

/** The tool_use ids of an assistant message, to check the next user message answers them. */
const toolUseIds = (m: MessageParam | undefined): string[] =>
  m?.role === 'assistant' && Array.isArray(m.content) ? m.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : [];

function userMessages(m: MessageParam, i: number, previous: MessageParam | undefined, out: ChatMessage[], loaded: Set<string>): void {
  const expected = new Set(toolUseIds(previous));
  if (typeof m.content === 'string') {
    if (expected.size) throw unanswered(i, [...expected]);
    out.push({ role: 'user', content: m.content });
    return;
  }
  const answered = new Set<string>();
  const parts: UserPart[] = [];
  m.content.forEach((b, j) => {
    const at = `messages.${i}.content.${j}`;
    switch (b.type) {
      case 'text':
        if (b.citations?.length) throw noCitations(at);
        parts.push({ type: 'text', text: b.text });
        return;
      case 'image':
        parts.push(imagePart(b, at));
        return;
      case 'tool_result':
        if (!expected.has(b.tool_use_id)) {
          throw invalid(`${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}.`);
        }
        answered.add(b.tool_use_id);
        out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: toolResultText(b, at, loaded) });
        return;
      case 'tool_use':
      case 'thinking':
      case 'redacted_thinking':
        throw invalid(`${at}: \`${b.type}\` blocks can only be in \`assistant\` messages.`);
      default:
        throw blockRefusal(b.type, at);
    }
  });
  const missing = [...expected].filter((id) => !answered.has(id));
  if (missing.length) throw unanswered(i, missing);
  // Text and images sent with tool results follow the tool messages, as the next user turn.
  if (parts.length) out.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('\n') : parts });
}

function assistantMessage(m: MessageParam, i: number): AssistantMessage {
  if (typeof m.content === 'string') return { role: 'assistant', content: m.content };
  let text = '';
  const calls: NonNullable<AssistantMessage['tool_calls']> = [];
  m.content.forEach((b, j) => {
    const at = `messages.${i}.content.${j}`;
    switch (b.type) {
      case 'text':
        text += text ? `\n${b.text}` : b.text;
        return;
      case 'tool_use':
        calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
        return;
      case 'thinking':
      case 'redacted_thinking':
        return; // Earlier thinking is not sent back to the model, as in chat completions and Responses.
      case 'image':
      case 'tool_result':
        throw invalid(`${at}: \`${b.type}\` blocks can only be in \`user\` messages.`);
      default:
        throw blockRefusal(b.type, at);
    }
  });
  return { role: 'assistant', content: calls.length && !text ? null : text, ...(calls.length && { tool_calls: calls }) };
}

/** Server and versioned tools (`web_search_20250305`, `bash_20250124`, ...) run on Anthropic's side. */
function toolsOf(tools: readonly AnthropicTool[] | undefined, loaded: ReadonlySet<string>): ChatTool[] | undefined {
  if (!tools?.length) return undefined;
  const out: ChatTool[] = [];
  tools.forEach((t, i) => {
    if (t.type != null && t.type !== 'custom') {
      throw refuse(`tools.${i}: \`${t.type}\` is one of Anthropic's server or built-in tools, which this proxy does not offer; define a client tool (name, description, input_schema).`);
    }
    if (!t.input_schema) throw invalid(`tools.${i}.input_schema: Field required`);
    // A deferred tool stays out of the model's view until a tool_reference (tool search) loads it.
    if (t.defer_loading && !loaded.has(t.name)) return;
    out.push(functionTool(t.name, t.description, t.input_schema, t.strict));
  });
  return out;
}

type Effort = ChatCompletionRequest['reasoning_effort'];

/** A thinking budget as an effort: the chat engine's models take efforts, not token budgets. */
const effortOfBudget = (budget: number): Effort => (budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high');

function reasoningOf(req: CountTokensRequest): Effort {
  const asked = chatEffort(req.output_config?.effort);
  const thinking = req.thinking;
  if (thinking?.type === 'disabled') return 'none';
  if (thinking?.type === 'enabled') return asked ?? effortOfBudget(thinking.budget_tokens);
  return asked;
}

function toolChoiceOf(req: CountTokensRequest, tools: ChatTool[] | undefined): Pick<ChatCompletionRequest, 'tool_choice' | 'parallel_tool_calls'> {
  const choice = req.tool_choice;
  if (!choice) return {};
  if (choice.type === 'none') return { tool_choice: 'none' };
  const parallel = choice.disable_parallel_tool_use ? { parallel_tool_calls: false } : {};
  if (choice.type === 'auto') return { tool_choice: 'auto', ...parallel };
  if (!tools?.length) throw invalid(`tool_choice: tool_choice.type "${choice.type}" needs \`tools\`.`);
  if (choice.type === 'any') return { tool_choice: 'required', ...parallel };
  if (!tools.some((t) => t.function.name === choice.name)) throw invalid(`tool_choice.name: Tool '${choice.name}' not found in 'tools'.`);
  return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
}

/** Request-level features with no counterpart here. */
function rejectUnsupported(req: CountTokensRequest): void {
  if (req.mcp_servers?.length) throw refuse('mcp_servers: the MCP connector is not available here; connect MCP servers in the client and pass their tools.');
  if (req.container != null) throw refuse('container: code-execution containers are not available here.');
  req.context_management?.edits?.forEach((e, i) => {
    // Earlier thinking is never sent back to the model here, so clearing it is what already happens.
    if (!e.type.startsWith('clear_thinking_')) {
      throw refuse(`context_management.edits.${i}: \`${e.type}\` is not supported; only clear_thinking edits are.`);
    }
  });
}

/** `model`: the Workers AI model (or alias) to run; the answer still names the client's model. */
export function toChatRequest(req: CreateMessageRequest | CountTokensRequest, model: string): ChatTranslation {
  rejectUnsupported(req);
  const system = systemText(req.system);
  const loaded = new Set<string>();
  const conversation: ChatMessage[] = [];
  const last = req.messages.at(-1);
  if (!req.messages.some((m) => m.role !== 'system')) throw invalid('messages: at least one message is required.');
  if (last?.role === 'assistant') {
    throw refuse(`messages.${req.messages.length - 1}: prefilling the reply (a final \`assistant\` message) is not supported: Workers AI models start a new turn.`);
  }
  req.messages.forEach((m, i) => {
    const previous = req.messages.slice(0, i).findLast((p) => p.role !== 'system');
    if (m.role === 'system') {
      // Per-turn instructions join the system prompt: chat templates take system text only at the start.
      const text = typeof m.content === 'string' ? m.content : m.content.map((b, j) => {
        if (b.type !== 'text') throw invalid(`messages.${i}.content.${j}: \`system\` messages may only hold \`text\` blocks.`);
        return b.text;
      }).join('\n');
      if (text) system.push(text);
    } else if (m.role === 'user') userMessages(m, i, previous, conversation, loaded);
    else {
      const open = toolUseIds(previous);
      if (open.length) throw unanswered(i, open);
      conversation.push(assistantMessage(m, i));
    }
  });
  const tools = toolsOf(req.tools, loaded);
  const format = req.output_config?.format;
  const create = req as Partial<CreateMessageRequest>;
  const chat: ChatCompletionRequest = {
    model,
    messages: system.length ? [{ role: 'system', content: system.join('\n\n') }, ...conversation] : conversation,
    ...(tools?.length && { tools }),
    ...toolChoiceOf(req, tools),
    ...(format && { response_format: { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } } }),
    // Absent fields stay undefined, as the chat engine reads them (top_k 0 and no stop sequences: none).
    max_tokens: create.max_tokens,
    temperature: create.temperature,
    top_p: create.top_p,
    top_k: create.top_k,
    stop: create.stop_sequences,
    stream: create.stream,
  };
  const effort = reasoningOf(req);
  if (effort) chat.reasoning_effort = effort;
  const thinking = req.thinking;
  return { chat, showThinking: !(thinking && thinking.type !== 'disabled' && thinking.display === 'omitted') };
}

const OPEN = '<think>';
const CLOSE = '</think>';

/** Length of the longest tail of `text` that is a proper prefix of `tag` (it may still grow into the tag). */
function partialTail(text: string, tag: string): number {
  for (let k = Math.min(tag.length - 1, text.length); k > 0; k--) {
    if (text.endsWith(tag.slice(0, k))) return k;
  }
  return 0;
}

export interface Split {
  reasoning: string;
  content: string;
}

/**
 * Separates `<think>...</think>` reasoning from the answer in model text, incrementally: feed it
 * stream fragments in order, tags may be split anywhere across them. Only a possible partial tag
 * is held back. With `implicit`, text before `</think>` is reasoning even without the opening
 * tag (deepseek-r1-distill and qwq put `<think>` in the prompt template, not the output).
 */
export class ThinkSplitter {
  #state: 'start' | 'think' | 'gap' | 'answer' = 'start';
  #held = '';
  /** Nothing of the reasoning has been emitted yet: its leading whitespace is dropped. */
  #thinkLead = true;

  #implicit: boolean;

  constructor(implicit: boolean) {
    this.#implicit = implicit;
  }

  /** The upstream separates reasoning itself: only an explicit `<think>` in the text is reasoning. */
  explicitOnly(): void {
    this.#implicit = false;
  }

  push(text: string): Split {
    const out: Split = { reasoning: '', content: '' };
    if (this.#state === 'answer') {
      out.content = text;
      return out;
    }
    let rest = this.#held + text;
    this.#held = '';
    if (this.#state === 'start') {
      const lead = rest.trimStart();
      if (lead.startsWith(OPEN)) {
        this.#state = 'think';
        rest = lead.slice(OPEN.length);
      } else if (OPEN.startsWith(lead)) {
        this.#held = rest; // Whitespace or a partial "<think": undecided yet.
        return out;
      } else {
        this.#state = this.#implicit ? 'think' : 'answer';
        if (this.#state === 'answer') {
          out.content = rest;
          return out;
        }
      }
    }
    if (this.#state === 'think') {
      if (this.#thinkLead) {
        rest = rest.trimStart();
        if (!rest) return out;
        this.#thinkLead = false;
      }
      const end = rest.indexOf(CLOSE);
      if (end === -1) {
        const keep = partialTail(rest, CLOSE);
        out.reasoning = rest.slice(0, rest.length - keep);
        this.#held = rest.slice(rest.length - keep);
        return out;
      }
      out.reasoning = rest.slice(0, end).trimEnd();
      this.#state = 'gap';
      rest = rest.slice(end + CLOSE.length);
    }
    // 'gap': the whitespace between </think> and the answer is dropped.
    const answer = rest.trimStart();
    if (answer) {
      this.#state = 'answer';
      out.content = answer;
    }
    return out;
  }

  /** What is still held back, at the end of the text. */
  flush(): Split {
    const held = this.#held;
    this.#held = '';
    if (this.#state === 'think') return { reasoning: held, content: '' };
    return { reasoning: '', content: this.#state === 'start' ? held.trimStart() : '' };
  }
}

/** Splits a whole (non-stream) text at once. */
export function splitThink(text: string, implicit: boolean): Split {
  const splitter = new ThinkSplitter(implicit);
  const a = splitter.push(text);
  const b = splitter.flush();
  return { reasoning: (a.reasoning + b.reasoning).trim(), content: a.content + b.content };
}

/** What the client asked of the thinking: an OpenAI effort, or just "on" (thinking, effort unsaid). */
export type Thinking = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'on';

interface ThinkingControls {
  reasoning_effort?: string | null;
  enable_thinking?: boolean | null;
  thinking_budget?: number | null;
  thinking?: { type: 'enabled' | 'disabled' | 'auto'; budget_tokens?: number | null } | null;
}

/** A token budget as an effort, at the boundaries Qwen and Anthropic clients use for low / medium / high. */
const effortOfBudget = (budget: number): Thinking => (budget === 0 ? 'none' : budget <= 2048 ? 'low' : budget <= 8192 ? 'medium' : 'high');

/**
 * The thinking a request asks for, from OpenAI's `reasoning_effort` (which wins) or the switches
 * other clients send: `enable_thinking` (Qwen, Cherry Studio), `thinking_budget` (Qwen) and
 * `thinking: {type, budget_tokens}` (Anthropic's shape).
 */
export function thinkingOf(req: ThinkingControls): Thinking | undefined {
  if (req.reasoning_effort) return req.reasoning_effort as Thinking;
  if (req.enable_thinking === false || req.thinking?.type === 'disabled') return 'none';
  const budget = req.thinking_budget ?? req.thinking?.budget_tokens;
  if (budget != null) return effortOfBudget(budget);
  if (req.enable_thinking === true || req.thinking?.type === 'enabled') return 'on';
  return undefined;
}

/**
 * The thinking in the model's dialect. gpt-oss cannot stop reasoning, so `minimal` and `none`
 * ask for its lowest effort; elsewhere `none` (and `on`) switch thinking through the chat
 * template (qwen3, kimi, glm), and efforts go as `reasoning_effort` where the model takes it.
 * `takes` is the model's schema (services/chat/profile.ts), when known. Models that do not
 * reason ignore it: there is no thinking to switch.
 */
export function reasoningInputs(
  thinking: Thinking | undefined,
  api: 'legacy' | 'openai' | 'responses',
  reasoning: boolean,
  takes: (param: string) => boolean | undefined = () => undefined,
): Record<string, unknown> | undefined {
  // Undefined when there is nothing to add (the common request allocates nothing).
  if (!thinking || !reasoning) return undefined;
  if (api === 'responses') {
    if (thinking === 'on') return undefined;
    return { reasoning: { effort: thinking === 'minimal' || thinking === 'none' ? 'low' : thinking } };
  }
  const kwargs = takes('chat_template_kwargs');
  const effort = takes('reasoning_effort') ?? api === 'openai';
  if (thinking === 'none') return kwargs === false && effort ? { reasoning_effort: 'none' } : { chat_template_kwargs: { enable_thinking: false } };
  // Turning thinking on is only sent where it is known to be taken: it is the default elsewhere.
  if (thinking === 'on') return (kwargs ?? api === 'openai') ? { chat_template_kwargs: { enable_thinking: true } } : {};
  return effort ? { reasoning_effort: thinking === 'minimal' ? 'low' : thinking } : kwargs ? { chat_template_kwargs: { enable_thinking: true } } : {};
}

import type { ErrorStatus } from '../../errors';

/**
 * One table from Workers AI error codes to the OpenAI error a client expects: status, type,
 * code, whether retrying can help, and the message. Every transport (binding, REST, emulator)
 * and every surface goes through it (upstream-errors.ts), so a code means the same everywhere.
 *
 * Sources, cited per code:
 * - [errors]: https://developers.cloudflare.com/workers-ai/platform/errors/ (the published table)
 * - [notes]: ../shared/WORKERS_AI.md "Errors" (codes seen in answers but not in the table)
 * - [cf-api]: Cloudflare API v4 envelope codes for the caller's own token and account
 *
 * `retryable` decides the `x-should-retry` header: the OpenAI SDKs (Node and Python) retry
 * every 408/409/429/5xx unless the answer says `x-should-retry: false`, so a daily quota or a
 * configuration problem must say so, or the SDK retries it until it gives up.
 */
export interface ErrorRule {
  status: ErrorStatus;
  type: string;
  code: string;
  retryable: boolean;
  param?: string;
  /** The client-facing message; `detail` is the upstream's own text, `model` the id called. */
  message(ctx: ErrorContext): string;
}

export interface ErrorContext {
  detail: string;
  model: string;
  /** The live successor of a retired model, when one is known. */
  replacement?: string;
}

/** Seconds a client is told to wait on 3040 when the upstream gave no Retry-After of its own. */
export const CAPACITY_RETRY_AFTER_SECONDS = 2;

const capacity: ErrorRule = {
  status: 429,
  type: 'rate_limit_error',
  code: 'upstream_overloaded',
  retryable: true,
  message: ({ detail }) => `Workers AI is out of capacity for this model right now; retry shortly. (${detail})`,
};

const quota: ErrorRule = {
  status: 429,
  type: 'insufficient_quota',
  code: 'insufficient_quota',
  retryable: false,
  message: ({ detail }) =>
    `The Workers AI account behind this proxy has used its daily free allocation; it resets at 00:00 UTC, or the account can move to the Workers Paid plan. Retrying sooner will not help. (${detail})`,
};

const noSuchModel: ErrorRule = {
  status: 404,
  type: 'invalid_request_error',
  code: 'model_not_found',
  param: 'model',
  retryable: false,
  message: ({ model }) => `The model \`${model}\` does not exist on Workers AI.`,
};

const contextLength: ErrorRule = {
  status: 400,
  type: 'invalid_request_error',
  code: 'context_length_exceeded',
  param: 'messages',
  retryable: false,
  message: ({ detail, model }) =>
    `The input plus max_tokens exceed the context window of \`${model}\`; shorten the messages or lower max_tokens. (${detail})`,
};

const invalidInput: ErrorRule = {
  status: 400,
  type: 'invalid_request_error',
  code: 'upstream_invalid_input',
  retryable: false,
  message: ({ detail }) => `Workers AI rejected the request: ${detail}`,
};

const requestTooLarge: ErrorRule = {
  status: 413,
  type: 'invalid_request_error',
  code: 'request_too_large',
  retryable: false,
  message: ({ detail }) => `Request too large for the model. (${detail})`,
};

const forbiddenModel: ErrorRule = {
  status: 403,
  type: 'invalid_request_error',
  code: 'model_access_denied',
  param: 'model',
  retryable: false,
  message: ({ model, detail }) => `The Cloudflare account behind this proxy may not use \`${model}\`. (${detail})`,
};

const proxyCredentials: ErrorRule = {
  status: 502,
  type: 'server_error',
  code: 'upstream_auth_failed',
  retryable: false,
  message: () =>
    "The proxy's own Cloudflare credentials (CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID) were rejected by Workers AI. This is a server configuration problem, not your API key.",
};

/** 3010 is Workers AI's generic "invalid input"; the model's own text says when it is the context length. */
const CONTEXT_WORDS = /context (?:length|window)|maximum context|too many tokens|exceed(?:s|ed)? .*tokens/i;

export const WORKERS_AI_ERRORS: Readonly<Record<number, ErrorRule | ((detail: string) => ErrorRule)>> = {
  3040: capacity, // [errors] 429 "Out of capacity": no data center to forward to; the binding says "Capacity temporarily exceeded"
  3036: quota, // [errors] 429 "Account limited": daily free allocation of neurons used up
  4006: quota, // [notes] 429, the same daily allocation as reported by newer answers
  5007: noSuchModel, // [errors] 400 "No such model ${model} or task" (404 over REST)
  3042: noSuchModel, // [errors] 404 "Invalid model ID"
  5021: contextLength, // [notes] 413: input + max_tokens exceed the model's context window
  3010: (detail) => (CONTEXT_WORDS.test(detail) ? contextLength : invalidInput), // [notes] invalid input; some context-length reports carry it
  5023: {
    // [notes] a JSON schema (response_format / guided_json) cannot be streamed by this model
    status: 400,
    type: 'invalid_request_error',
    code: 'unsupported_parameter',
    param: 'response_format',
    retryable: false,
    message: ({ model }) => `\`${model}\` cannot stream JSON-schema output: send stream: false, or leave out response_format.`,
  },
  5028: {
    // [notes] "This model was deprecated": retired after its planned_deprecation_date
    status: 410,
    type: 'invalid_request_error',
    code: 'model_deprecated',
    param: 'model',
    retryable: false,
    message: ({ model, replacement }) =>
      `The model \`${model}\` was retired by Workers AI.${replacement ? ` Use \`${replacement}\` instead.` : ' Pick a current model from GET /v1/models.'}`,
  },
  5035: {
    // [notes] 403 since 2026-07-28: catalog property require_workers_paid, on a Free account
    status: 403,
    type: 'invalid_request_error',
    code: 'model_requires_paid_plan',
    param: 'model',
    retryable: false,
    message: ({ model }) =>
      `The model \`${model}\` needs the Workers Paid plan, and the Cloudflare account behind this proxy is on the Free plan. Upgrade the account or pick another model.`,
  },
  5016: forbiddenModel, // [errors] 403 "Model agreement": the model's terms were not accepted
  5018: forbiddenModel, // [errors] 403 "Account not allowed for private model"
  3041: forbiddenModel, // [errors] 403 the same, second code
  5004: invalidInput, // [errors] 400 "Invalid data type for base64 input"
  3003: invalidInput, // [errors] 400 "Incomplete request"
  5006: invalidInput, // [notes] invalid input (schema validation: "required properties at '/' ...")
  8001: invalidInput, // [notes] invalid input format
  5005: {
    // [errors] 405 "LoRa unsupported"
    status: 400,
    type: 'invalid_request_error',
    code: 'unsupported_parameter',
    param: 'lora',
    retryable: false,
    message: ({ detail }) => `Workers AI rejected the request: ${detail}`,
  },
  3006: requestTooLarge, // [errors] 413 "Request too large"
  3007: {
    // [errors] 408 "Timeout": for a proxy, the gateway timed out
    status: 504,
    type: 'server_error',
    code: 'upstream_timeout',
    retryable: true,
    message: ({ detail }) => `Workers AI timed out. (${detail})`,
  },
  3023: {
    // [errors] 403 "Account blocked": the proxy's account, not the client's
    status: 502,
    type: 'server_error',
    code: 'upstream_account_blocked',
    retryable: false,
    message: ({ detail }) => `Workers AI refuses the Cloudflare account behind this proxy. This is a server configuration problem, not your API key. (${detail})`,
  },
  10000: proxyCredentials, // [cf-api] 401/403 "Authentication error": the proxy's own token
  10001: proxyCredentials, // [cf-api] "Unable to authenticate request"
  9106: proxyCredentials, // [cf-api] missing or malformed auth headers
  9109: proxyCredentials, // [cf-api] "Unauthorized to access requested resource": token lacks Workers AI permission
  7003: proxyCredentials, // [cf-api] "Could not route to /accounts/...": a wrong CLOUDFLARE_ACCOUNT_ID
  7000: proxyCredentials, // [cf-api] "No route for that URI"
};

/** What to do with a failure that has no known code: decided by its HTTP status, if any. */
export function ruleForStatus(status: number | undefined): ErrorRule {
  if (status === 401 || status === 403) return proxyCredentials;
  if (status === 400 || status === 422) return invalidInput;
  if (status === 413) return requestTooLarge;
  if (status === 429) {
    return {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      retryable: true,
      message: ({ detail }) => `Workers AI rate limit reached. (${detail})`,
    };
  }
  return {
    status: 502,
    type: 'server_error',
    code: 'upstream_error',
    retryable: true,
    message: ({ detail }) => `Workers AI request failed: ${detail}`,
  };
}

/** The rule for a known code, or undefined: unknown codes fall back to the HTTP status. */
export function ruleForCode(code: number | undefined, detail: string): ErrorRule | undefined {
  const entry = code === undefined ? undefined : WORKERS_AI_ERRORS[code];
  return typeof entry === 'function' ? entry(detail) : entry;
}

/**
 * The Workers AI code in a binding error's message ("3040: Capacity temporarily exceeded",
 * "AiError: InferenceUpstreamError: 5021: ..."): only codes in the table, so a request id, a
 * token count or a year in the text is never read as one.
 */
export function codeInMessage(message: string): number | undefined {
  for (const match of message.matchAll(/(?:^|[^\d.])(\d{4,5})\s*:/g)) {
    const code = Number(match[1]);
    if (code in WORKERS_AI_ERRORS) return code;
  }
  return undefined;
}

import { codeInMessage } from './error-table';
import { UpstreamError } from './types';

/** The longest upstream text carried into an error message; anything longer is cut. */
export const MAX_MESSAGE_CHARS = 300;

export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

const HTML = /<(?:!doctype|html|head|body|script|style|title|div|p|h\d|center)\b/i;

/**
 * Upstream text fit for a client's error message: an HTML error page (a gateway's or a
 * proxy's, scripts included) is never copied in; it is described instead. Long text is cut.
 */
export function plainMessage(text: string, fallback: string): string {
  const trimmed = text.trim();
  if (!trimmed) return fallback;
  if (HTML.test(trimmed)) return `${fallback} (an HTML error page, not shown)`;
  const flat = trimmed.replace(/\s+/g, ' ');
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}

/** Retry-After (delta-seconds or an HTTP date) as whole seconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export function toUpstreamError(err: unknown, secrets: readonly (string | undefined)[] = []): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof Error && err.name === 'AbortError') throw err;
  const message = plainMessage(scrub(err instanceof Error ? err.message : String(err), secrets), 'The upstream failed');
  // Only codes the error table knows are read out of the text ("3040: Capacity temporarily exceeded").
  const own = (err as { code?: unknown } | null)?.code;
  return new UpstreamError(message, typeof own === 'number' && codeInMessage(`${own}:`) ? own : codeInMessage(message));
}

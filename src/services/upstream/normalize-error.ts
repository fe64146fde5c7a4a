import { codeInMessage } from './error-table';
import { UpstreamError } from './types';

export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

export function toUpstreamError(err: unknown, secrets: readonly (string | undefined)[] = []): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof Error && err.name === 'AbortError') throw err;
  const message = scrub(err instanceof Error ? err.message : String(err), secrets);
  // Only codes the error table knows are read out of the text ("3040: Capacity temporarily exceeded").
  const own = (err as { code?: unknown } | null)?.code;
  return new UpstreamError(message, typeof own === 'number' && codeInMessage(`${own}:`) ? own : codeInMessage(message));
}

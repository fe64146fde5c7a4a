import { UpstreamError } from './types';

/** Pulls the Cloudflare error code out of a thrown binding error ("3040: Capacity temporarily exceeded"). */
const CODE_IN_MESSAGE = /(?:^|\D)(\d{4,5})(?=:|\s|$)/;

export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

export function toUpstreamError(err: unknown, secrets: readonly (string | undefined)[] = []): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof Error && err.name === 'AbortError') throw err;
  const message = scrub(err instanceof Error ? err.message : String(err), secrets);
  const code = CODE_IN_MESSAGE.exec(message)?.[1];
  return new UpstreamError(message, code ? Number(code) : undefined);
}

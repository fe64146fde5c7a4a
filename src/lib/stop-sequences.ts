/** Earliest index at which any stop sequence starts in `text` (-1 for none), and which one it is. */
export function firstStopMatch(text: string, stops: readonly string[]): { at: number; stop?: string } {
  let at = -1;
  let found: string | undefined;
  for (const stop of stops) {
    const i = text.indexOf(stop);
    if (i !== -1 && (at === -1 || i < at)) {
      at = i;
      found = stop;
    }
  }
  return { at, stop: found };
}

/** Earliest index at which any stop sequence starts in `text`, or -1. */
export const firstStop = (text: string, stops: readonly string[]): number => firstStopMatch(text, stops).at;

/**
 * Streaming stop-sequence filter. Holds back only the tail that could still grow into a
 * stop sequence, so text leaves as soon as it is known not to be part of one.
 */
export class StopMatcher {
  #held = '';
  /** The stop sequence that ended the text, once one has (Anthropic clients are told which). */
  hit: string | undefined;

  readonly #stops: readonly string[];

  constructor(stops: readonly string[]) {
    this.#stops = stops;
  }

  /** Text that is safe to emit now, and whether a stop sequence was hit (emit nothing after it). */
  push(text: string): { text: string; stopped: boolean } {
    const all = this.#held + text;
    const { at, stop } = firstStopMatch(all, this.#stops);
    if (at !== -1) {
      this.#held = '';
      this.hit = stop;
      return { text: all.slice(0, at), stopped: true };
    }
    let keep = 0;
    for (const stop of this.#stops) {
      for (let k = Math.min(stop.length - 1, all.length); k > keep; k--) {
        if (all.endsWith(stop.slice(0, k))) {
          keep = k;
          break;
        }
      }
    }
    this.#held = keep ? all.slice(all.length - keep) : '';
    return { text: keep ? all.slice(0, all.length - keep) : all, stopped: false };
  }

  /** Whatever was held back, at the end of the stream. */
  flush(): string {
    const rest = this.#held;
    this.#held = '';
    return rest;
  }
}

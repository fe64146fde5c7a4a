import { expect } from 'vitest';
import { expectSchema } from '../openapi/validate';

/**
 * Reads a Responses event stream fully and checks it strictly: every event is
 * `event: <type>\ndata: <json>` and a blank line, the event name equals the payload's `type`,
 * sequence_number counts from 0 with no gap, every payload is a spec-valid ResponseStreamEvent,
 * and there is no `[DONE]`.
 */
export async function responseEvents(res: Response): Promise<any[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  const events = text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const m = /^event: ([\w.]+)\ndata: (.+)$/.exec(block);
      if (!m || m[2]!.includes('\n')) throw new Error(`bad SSE event framing: ${JSON.stringify(block)}`);
      const json = JSON.parse(m[2]!);
      expect(json.type).toBe(m[1]);
      return json;
    });
  events.forEach((e, i) => {
    expect(e.sequence_number).toBe(i);
    expectSchema('ResponseStreamEvent', e);
  });
  return events;
}

/** The text the deltas of one kind add up to. */
export const deltas = (events: any[], type: string) =>
  events
    .filter((e) => e.type === type)
    .map((e) => e.delta)
    .join('');

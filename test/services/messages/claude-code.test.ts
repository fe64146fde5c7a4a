/**
 * Replays of the requests Claude Code 2.1.328 sends (test/fixtures/claude-code/, recorded from a
 * real run; see its README): system blocks with cache_control, a trailing system message, a dozen
 * tools with large schemas (one deferred), adaptive thinking, output_config, context_management,
 * metadata.user_id, `?beta=true` and the anthropic-beta header, against the emulator with the
 * default claude-* model mapping.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import turn1Omitted from '../../fixtures/claude-code/turn1-thinking-omitted.json';
import turn1 from '../../fixtures/claude-code/turn1-stream-tools.json';
import turn2 from '../../fixtures/claude-code/turn2-tool-result.json';
import { accumulate, expectAnthropic, messageEvents } from '../../anthropic/validate';
import { postJson } from '../../support/http';

const env = { LOG_REQUESTS: 'false' } as Env;
type Recorded = { url: string; headers: Record<string, string>; body: Record<string, any> };
const replay = (r: Recorded, body = r.body, url = r.url) => postJson(env, url, body, { headers: { ...r.headers, 'x-api-key': 'sk-ant-anything' }, anonymous: true });

describe('messages: Claude Code request replays', () => {
  it('turn 1 streams a valid event sequence that calls the tool the prompt names', async () => {
    const events = await messageEvents(await replay(turn1 as Recorded));
    const message = accumulate(events);
    expect(message.model).toBe(turn1.body.model);
    expect(message.content.map((b: any) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(message.content[1].name).toBe('Read');
    expect(message.stop_reason).toBe('tool_use');
    // Runs the default model for its family (opus), not a claude name.
    expect(message.content[0].thinking).toContain('The user wrote');
  });

  it('turn 1 with thinking display omitted sends no thinking block', async () => {
    const message = accumulate(await messageEvents(await replay(turn1Omitted as Recorded)));
    expect(message.content.map((b: any) => b.type)).toEqual(['tool_use']);
  });

  it('turn 2 (thinking and tool_use sent back, a tool_result) answers text and ends the turn', async () => {
    const events = await messageEvents(await replay(turn2 as Recorded));
    const message = accumulate(events);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.at(-1).type).toBe('text');
    expect(message.content.at(-1).text).toContain('nemotron-3-120b-a12b');
  });

  it('the same requests without stream answer a valid Message, and count_tokens counts them', async () => {
    for (const r of [turn1, turn2] as Recorded[]) {
      const res = await replay(r, { ...r.body, stream: false });
      const json = await res.json();
      expectAnthropic('Message', json);
      const { max_tokens: _m, stream: _s, metadata: _d, ...countable } = r.body;
      const counted = await replay(r, countable, '/v1/messages/count_tokens?beta=true');
      expect(counted.status).toBe(200);
      const tokens = await counted.json<any>();
      expectAnthropic('MessageTokensCount', tokens);
      // The tools' schemas alone are thousands of tokens.
      expect(tokens.input_tokens).toBeGreaterThan(3000);
    }
  });
});

import { describe, expect, it } from 'vitest';
import verdict from 'virtual:generated-models';

describe('generated model data (scripts/gen-models.mjs)', () => {
  it.runIf(verdict.data)('is what ../shared/workers-ai-models gives today', () => {
    expect(verdict.files.map((f) => f.file).sort()).toEqual(['src/dev/emulator/catalog.generated.ts', 'src/services/models/lifecycle.generated.ts']);
    for (const f of verdict.files) expect(f, `${f.file} is stale: run node scripts/gen-models.mjs`).toMatchObject({ current: true });
    // 18 retired on 2026-05-30 and 19 on 2025-10-01 (LIFECYCLE.md); every other model is in the emulator.
    expect(verdict.stats).toMatchObject({ retired: 37, live: 75, paid: 7 });
  });
});

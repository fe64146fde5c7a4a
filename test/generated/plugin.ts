/**
 * Vite plugin (Node side, at vitest config time): runs scripts/gen-models.mjs against
 * ../shared/workers-ai-models and serves, as `virtual:generated-models`, whether each committed
 * generated file equals what the data gives today. Tests run in workerd, which cannot read the
 * host's files, so the comparison is made here. `data: false` when ../shared is absent.
 */
// @ts-ignore -- no @types/node in this project
import * as fs from 'node:fs';
// @ts-ignore -- no @types/node in this project
import * as path from 'node:path';

export const GENERATED_ID = 'virtual:generated-models';

export function generatedModels() {
  return {
    name: 'generated-models',
    resolveId(id: string) {
      return id === GENERATED_ID ? `\0${GENERATED_ID}` : undefined;
    },
    async load(id: string) {
      if (id !== `\0${GENERATED_ID}`) return undefined;
      // @ts-ignore -- plain .mjs script
      const gen = await import('../../scripts/gen-models.mjs');
      if (!fs.existsSync(gen.DATA)) return `export default { data: false, files: [] };`;
      const built = gen.build();
      const files = Object.entries(gen.OUTPUTS as Record<string, string>).map(([key, rel]) => {
        const file = path.join(gen.ROOT, rel);
        const current = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === built[key];
        return { file: rel, current };
      });
      return `export default ${JSON.stringify({ data: true, files, stats: built.stats })};`;
    },
  };
}

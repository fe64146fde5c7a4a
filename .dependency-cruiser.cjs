// `npm run deps` (part of `npm test`): the import graph of src/ has no circle, type-only imports
// included, and src/lib/ stays domain-free. See ../shared/DESIGN.md's dependency rule.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle (type-only ones too) blurs who depends on whom.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-is-domain-free',
      severity: 'error',
      comment: 'src/lib/ holds generic helpers: it imports nothing of the project outside src/lib/.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'dev-only-in-dev-entry',
      severity: 'error',
      comment: 'The emulator and in-memory stores (src/dev/) are bundled only by src/dev.ts, never by the production entry.',
      from: { path: '^src/', pathNot: '^src/(dev[.]ts|dev/)' },
      to: { path: '^src/dev([.]ts|/)' },
    },
    {
      name: 'pages-are-build-time',
      severity: 'error',
      comment: 'src/docs/ and src/pages/ run at build time (scripts/build-docs.mjs writes public/, the static assets): the app never imports them.',
      from: { path: '^src/', pathNot: '^src/(docs|pages)/' },
      to: { path: '^src/(docs|pages)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Keep `import type` edges: a type-only circle is still a circle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve package subpaths (hono/factory) through their package.json "exports".
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'], mainFields: ['module', 'main', 'types'] },
    exclude: { path: '^(node_modules|dist|\\.wrangler)/' },
  },
};

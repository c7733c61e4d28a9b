// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The layering: which @chatbridge packages each package's sources may import. Arrows run one way
// (core ← adapter ← redis ← gateway ← cli); testing stands apart and depends on none of them.
// Nothing imports the CLI. Packages not yet written have their rules ready.
/** @type {Record<string, string[]>} */
const MAY_IMPORT = {
  core: [],
  testing: [],
  adapter: ['core'],
  redis: ['core', 'adapter'],
  gateway: ['core', 'adapter'],
  cli: ['core', 'adapter', 'testing', 'gateway', 'redis'],
}
const PACKAGES = Object.keys(MAY_IMPORT)
// Tests and scripts may also use the loopback server and fixtures, and core (testing's tests prove
// its XML mapping agrees with core's).
const TESTS_MAY_ALSO_IMPORT = ['core', 'testing']
// The gateway's sources take any ConversationStore; its tests prove it on the real Redis one.
const PACKAGE_TESTS_MAY_ALSO_IMPORT = { gateway: ['redis'] }

/** Another package's `src/` or `dist/`, by package path or by relative path: go through its `exports`. */
const DEEP_IMPORTS = [
  {
    regex: '^@chatbridge/[^/]+/(src|dist)(/|$)',
    message: "Import the package's entry point (or a subpath it exports), not its src/ or dist/.",
  },
  {
    regex: '^(\\.\\./)+(packages/)?[^./][^/]*/(src|dist)(/|$)',
    message: "Another package's src/ or dist/ by relative path: import it by name, through its exports.",
  },
]

/**
 * `@typescript-eslint/no-restricted-imports` for one glob: the deep imports, and every @chatbridge
 * package its files may not import. (A rule's options replace, not merge, so each glob carries
 * the whole list.)
 * @param {string} who the files, as the message names them
 * @param {string} self the package the files belong to ('' outside the packages)
 * @param {string[]} allowed the other packages they may import
 */
function layering(who, self, allowed) {
  const forbidden = PACKAGES.filter((other) => other !== self && !allowed.includes(other))
  const patterns = [...DEEP_IMPORTS]
  if (forbidden.length > 0) {
    const may = allowed.length === 0 ? 'no other @chatbridge package' : allowed.map((p) => `@chatbridge/${p}`).join(', ')
    patterns.push({
      regex: `^@chatbridge/(${forbidden.join('|')})(/|$)`,
      message: `The layering: ${who} may import ${may} (core ← adapter ← redis ← gateway ← cli; testing stands apart).`,
    })
  }
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] }
}

const layeringConfigs = [
  // Everything else (bench, configs): deep imports only.
  { files: ['**/*.ts'], rules: layering('anything outside the packages', '', PACKAGES) },
  ...PACKAGES.flatMap((name) => {
    const sources = MAY_IMPORT[name] ?? []
    const tests = [...new Set([...sources, ...TESTS_MAY_ALSO_IMPORT, ...(PACKAGE_TESTS_MAY_ALSO_IMPORT[name] ?? [])])]
    return [
      { files: [`packages/${name}/**/*.ts`], rules: layering(`${name}'s tests and scripts`, name, tests) },
      { files: [`packages/${name}/src/**/*.ts`], rules: layering(`${name}'s sources`, name, sources) },
    ]
  }),
]

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/api/**', 'eslint.config.js', 'bench/.tmp/**', '**/fixtures/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One program for sources, tests and configs: it is what `pnpm typecheck` checks too.
        // The gateway's chat window is browser JavaScript, type-checked with DOM types on its own.
        project: ['./tsconfig.test.json', './packages/gateway/static/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layeringConfigs,
  {
    // The chat window: browser JavaScript whose names tsc checks against the DOM (so no-undef is
    // redundant) and whose frames are untyped JSON from the server; promises are still checked.
    files: ['packages/gateway/static/**/*.js'],
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tests may poke at loosely typed values; they still may not float promises.
    files: ['packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
)

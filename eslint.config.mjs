import nx from '@nx/eslint-plugin';

/**
 * Layers, enforced by tags (see docs/architecture.md):
 *   type:app       the six services; may use platform libraries and contracts, never another app
 *   type:lib       platform libraries (messaging, persistence, observability, platform)
 *   type:contracts event contracts; imports nothing of ours
 *   type:tooling   scripts, the shop simulator and test harnesses; apps' tests may use them, production code never
 */
function boundaryRule({ appsMayUseTools }) {
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      banTransitiveDependencies: false,
      allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
      depConstraints: [
        {
          sourceTag: 'type:app',
          onlyDependOnLibsWithTags: appsMayUseTools ? ['type:lib', 'type:contracts', 'type:tooling'] : ['type:lib', 'type:contracts'],
          // kafkajs stays behind libs/messaging so the client can be replaced without touching services.
          bannedExternalImports: ['kafkajs'],
        },
        {
          sourceTag: 'type:lib',
          onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'],
        },
        {
          sourceTag: 'type:tooling',
          // Tools may use each other (the end-to-end suite drives the shop simulator); no production code may use a tool.
          onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:tooling'],
        },
        {
          sourceTag: 'type:contracts',
          onlyDependOnLibsWithTags: [],
          bannedExternalImports: ['kafkajs', 'typeorm', 'pg', '@nestjs/*'],
        },
      ],
    },
  ];
}

export const moduleBoundaries = {
  files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
  rules: { '@nx/enforce-module-boundaries': boundaryRule({ appsMayUseTools: false }) },
};

/** An app's tests may drive the shop simulator (it plays the shop and the payment provider over HTTP); its code may not. */
export const moduleBoundariesInAppTests = {
  // Only the type:app constraint differs, so this may match every test file: libraries' tests stay as strict as their code.
  files: ['**/*.spec.ts'],
  rules: { '@nx/enforce-module-boundaries': boundaryRule({ appsMayUseTools: true }) },
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    // Build configuration, not source: webpack configs share tools/build and are not part of the layers.
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '.stack/**', '.nx/**', 'tmp/**', '**/webpack.config.js'],
  },
  moduleBoundaries,
  moduleBoundariesInAppTests,
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'tools/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: [
          './apps/*/tsconfig.app.json',
          './apps/*/tsconfig.spec.json',
          './libs/*/tsconfig.lib.json',
          './libs/*/tsconfig.spec.json',
          './tools/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];

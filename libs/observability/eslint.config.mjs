import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Tracing starts before the Nest app and must not load Nest (or Express) early.
    files: ['src/lib/tracing/**/*.ts'],
    ignores: ['src/lib/tracing/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'nestjs-*', 'express'],
              message: 'Tracing is loaded before Nest; keep it Nest-free.',
            },
            {
              group: ['../logging/*', '../metrics/*', '../health/*'],
              message: 'These modules load Nest.',
            },
          ],
        },
      ],
    },
  },
];

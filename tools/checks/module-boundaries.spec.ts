import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..');

/**
 * Proves the layer rules bite: each case writes a file with one import into a
 * project, lints it with the workspace's own ESLint config and expects the
 * module-boundary rule (or not) to report it.
 */
const CASES: { name: string; file: string; code: string; forbidden: RegExp | null }[] = [
  {
    name: 'contracts may not import a platform library',
    file: 'libs/contracts/src/lib/boundary-probe.ts',
    code: "import { createLogger } from '@cardlink/observability';\nexport const probe = createLogger;\n",
    forbidden: /tagged with "type:contracts" can only depend on libs tagged with/,
  },
  {
    name: 'an app may not import kafkajs (it stays behind libs/messaging)',
    file: 'apps/card-inventory/src/boundary-probe.ts',
    code: "import { Kafka } from 'kafkajs';\nexport const probe = Kafka;\n",
    forbidden: /tagged with "type:app" is not allowed to import "kafkajs"/,
  },
  {
    name: 'a library may not import an app',
    file: 'libs/observability/src/lib/boundary-probe.ts',
    code: "import { configSchema } from '../../../../apps/card-inventory/src/config';\nexport const probe = configSchema;\n",
    forbidden: /enforce-module-boundaries/,
  },
  {
    name: 'an app may use contracts and platform libraries',
    file: 'apps/card-inventory/src/boundary-probe.ts',
    code: "import { TOPICS } from '@cardlink/contracts';\nimport { UnitOfWork } from '@cardlink/platform';\nexport const probe = [TOPICS, UnitOfWork];\n",
    forbidden: null,
  },
];

describe('module boundaries', () => {
  let eslint: ESLint;

  beforeAll(async () => {
    // The rule reads the cached project graph; make sure it is current.
    await createProjectGraphAsync({ exitOnError: false });
    eslint = new ESLint({ cwd: ROOT });
  }, 120_000);

  it.each(CASES)('$name', async ({ file, code, forbidden }) => {
    const path = join(ROOT, file);
    writeFileSync(path, code);
    try {
      const [result] = await eslint.lintFiles([path]);
      const boundaryErrors = (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
      if (forbidden) {
        expect(boundaryErrors.join('\n')).toMatch(forbidden);
      } else {
        expect(boundaryErrors).toEqual([]);
      }
    } finally {
      rmSync(path, { force: true });
    }
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';

const ROOT = join(__dirname, '..', '..');

/**
 * Proves the layer rules bite: each case lints one import, as if it were a file
 * in a real project, with the workspace's own module-boundary rules (the
 * `moduleBoundaries` block of eslint.config.mjs), and expects the rule to
 * report it, or not. The probe goes through stdin, so no file appears in a
 * project that another task may be linting at the same time; ESLint runs in a
 * child process because its config is an ES module.
 */
const CASES = [
  {
    name: 'contracts may not import a platform library',
    file: 'libs/contracts/src/lib/boundary-probe.ts',
    code: "import { createLogger } from '@cardlink/observability';\nexport const probe = createLogger;\n",
    forbidden: /tagged with "type:contracts" cannot depend on any libs with tags/,
  },
  {
    name: 'an app may not import kafkajs (it stays behind libs/messaging)',
    file: 'apps/card-inventory/src/boundary-probe-kafkajs.ts',
    code: "import { Kafka } from 'kafkajs';\nexport const probe = Kafka;\n",
    forbidden: /tagged with "type:app" is not allowed to import "kafkajs"/,
  },
  {
    name: 'a library may not import an app',
    file: 'libs/observability/src/lib/boundary-probe.ts',
    code: "import { configSchema } from '../../../../apps/card-inventory/src/config';\nexport const probe = configSchema;\n",
    forbidden: /Projects cannot be imported by a relative or absolute path/,
  },
  {
    name: 'an app may not import another app',
    file: 'apps/shop-gateway/src/boundary-probe.ts',
    code: "import { configSchema } from '../../card-inventory/src/config';\nexport const probe = configSchema;\n",
    forbidden: /Projects cannot be imported by a relative or absolute path/,
  },
  {
    name: 'a library may not use a tool (the shop simulator plays the outside world in tests only)',
    file: 'libs/observability/src/lib/boundary-probe-tool.ts',
    code: "import { startShopSimulator } from '@cardlink/shop-simulator';\nexport const probe = startShopSimulator;\n",
    forbidden: /tagged with "type:lib" can only depend on libs tagged with/,
  },
  {
    name: 'an app may not use a tool either',
    file: 'apps/order-processing/src/boundary-probe-tool.ts',
    code: "import { startShopSimulator } from '@cardlink/shop-simulator';\nexport const probe = startShopSimulator;\n",
    forbidden: /tagged with "type:app" can only depend on libs tagged with/,
  },
  {
    name: "an app's tests may drive the shop simulator",
    file: 'apps/order-processing/src/boundary-probe-tool.int.spec.ts',
    code: "import { startShopSimulator } from '@cardlink/shop-simulator';\nexport const probe = startShopSimulator;\n",
    forbidden: null,
  },
  {
    name: "a library's tests may not use a tool",
    file: 'libs/messaging/src/lib/boundary-probe-tool.spec.ts',
    code: "import { startShopSimulator } from '@cardlink/shop-simulator';\nexport const probe = startShopSimulator;\n",
    forbidden: /tagged with "type:lib" can only depend on libs tagged with/,
  },
  {
    name: 'an app may use contracts and platform libraries',
    file: 'apps/card-inventory/src/boundary-probe-allowed.ts',
    code: "import { TOPICS } from '@cardlink/contracts';\nimport { UnitOfWork } from '@cardlink/platform';\nexport const probe = [TOPICS, UnitOfWork];\n",
    forbidden: null,
  },
];

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

function boundaryErrors(file: string, code: string): string[] {
  const eslint = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
      '--config',
      join(ROOT, 'tools', 'checks', 'boundaries.eslint.config.mjs'),
      '--format',
      'json',
      '--stdin',
      '--stdin-filename',
      join(ROOT, file),
    ],
    { cwd: ROOT, input: code, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const [result] = JSON.parse(eslint.stdout) as LintResult[];
  const fatal = (result?.messages ?? []).filter((m) => m.ruleId === null);
  if (fatal.length > 0) throw new Error(`eslint could not lint the probe: ${fatal.map((m) => m.message).join('; ')}`);
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  beforeAll(async () => {
    // The rule reads the cached project graph; make sure it is current.
    await createProjectGraphAsync({ exitOnError: false });
  }, 120_000);

  it.each(CASES)('$name', ({ file, code, forbidden }) => {
    const errors = boundaryErrors(file, code);
    if (forbidden) expect(errors.join('\n')).toMatch(forbidden);
    else expect(errors).toEqual([]);
  }, 60_000);
});

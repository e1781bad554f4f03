import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';

const ROOT = join(__dirname, '..', '..');

/**
 * Proves the layer rules bite: each case writes a file with one import into a
 * real project, lints it with the workspace's own ESLint config (in a child
 * process: the config is an ES module) and expects the module-boundary rule to
 * report it, or not.
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

describe('module boundaries', () => {
  let results: Map<string, string[]>;

  beforeAll(async () => {
    // The rule reads the cached project graph; make sure it is current.
    await createProjectGraphAsync({ exitOnError: false });
    for (const c of CASES) writeFileSync(join(ROOT, c.file), c.code);
    try {
      const eslint = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', ...CASES.map((c) => c.file)], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const parsed = JSON.parse(eslint.stdout) as LintResult[];
      results = new Map(
        parsed.map((r) => [
          r.filePath,
          r.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message),
        ]),
      );
    } finally {
      for (const c of CASES) rmSync(join(ROOT, c.file), { force: true });
    }
  }, 180_000);

  it.each(CASES)('$name', ({ file, forbidden }) => {
    const errors = results.get(join(ROOT, file));
    expect(errors).toBeDefined();
    if (forbidden) expect((errors ?? []).join('\n')).toMatch(forbidden);
    else expect(errors).toEqual([]);
  });
});

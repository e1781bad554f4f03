/**
 * Writes libs/contracts/asyncapi.yaml from the event catalog.
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/contracts/generate-asyncapi.ts          write the file
 *   npx tsx --tsconfig tools/tsconfig.json tools/contracts/generate-asyncapi.ts --check  exit 1 if it is stale (CI)
 *
 * The rendering lives in libs/contracts (renderAsyncApiYaml) so that the unit
 * test and this script can never disagree about what "fresh" means.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { renderAsyncApiYaml } from '@cardlink/contracts';

const REPO_ROOT = resolve(__dirname, '..', '..');
const TARGET = resolve(REPO_ROOT, 'libs', 'contracts', 'asyncapi.yaml');
const SHOWN = relative(process.cwd(), TARGET) || TARGET;

/** A checkout with CRLF line endings (git autocrlf) is not drift. */
function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      return `first difference at line ${i + 1}:\n  committed: ${left[i] ?? '(end of file)'}\n  generated: ${right[i] ?? '(end of file)'}`;
    }
  }
  return '';
}

function main(args: string[]): number {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\nusage: generate-asyncapi.ts [--check]\n`);
    return 2;
  }
  const fresh = renderAsyncApiYaml();

  if (args.includes('--check')) {
    if (!existsSync(TARGET)) {
      process.stderr.write(`${SHOWN} is missing. Run \`npm run contracts:asyncapi\` and commit the file.\n`);
      return 1;
    }
    const committed = normalise(readFileSync(TARGET, 'utf8'));
    if (committed !== fresh) {
      process.stderr.write(
        `${SHOWN} is out of date with the event catalog in libs/contracts.\n` +
          `${firstDifference(committed, fresh)}\n` +
          'Run `npm run contracts:asyncapi` and commit the regenerated file.\n',
      );
      return 1;
    }
    process.stdout.write(`${SHOWN} is up to date.\n`);
    return 0;
  }

  writeFileSync(TARGET, fresh);
  process.stdout.write(`wrote ${SHOWN}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

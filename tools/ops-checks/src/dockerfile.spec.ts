import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './dashboard-queries';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const stages: Instruction[][] = [];
for (const instruction of all) {
  if (instruction.op === 'FROM') stages.push([]);
  stages[stages.length - 1]?.push(instruction);
}
const final = stages[stages.length - 1] ?? [];

describe('docker/Dockerfile', () => {
  it('is multi-stage and takes the service as a build argument', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of stages) expect(stage.some((i) => i.op === 'ARG' && i.args === 'SERVICE')).toBe(true);
    expect(all.find((i) => i.op === 'RUN' && i.args.includes('nx run'))?.args).toContain('"$SERVICE:build"');
  });

  it('runs the bundle as the unprivileged node user with NODE_ENV=production and only production dependencies', () => {
    expect(final.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['node']);
    expect(final.find((i) => i.op === 'ENV')?.args).toContain('NODE_ENV=production');
    expect(final.find((i) => i.op === 'ENTRYPOINT')?.args).toBe('["node", "--enable-source-maps", "main.js"]');
    expect(final.some((i) => i.op === 'RUN')).toBe(false);
    expect(all.some((i) => i.op === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args))).toBe(true);
  });

  it('checks health on the liveness endpoint', () => {
    expect(final.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('/health/live');
  });

  it('copies into the build only files that exist, and the webpack config writes the bundle where the image takes it', () => {
    const copies = stages[0]?.filter((i) => i.op === 'COPY') ?? [];
    const sources = copies.flatMap((i) => i.args.split(/\s+/).slice(0, -1)).filter((s) => !s.startsWith('--'));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect({ source, exists: existsSync(join(REPO_ROOT, source)) }).toEqual({ source, exists: true });
    const webpack = readFileSync(join(REPO_ROOT, 'tools/build/service-webpack.config.js'), 'utf8');
    expect(webpack).toContain("'../../dist/apps', name");
    expect(webpack).toContain('generatePackageJson: true');
  });

  it('has a context ignore file that keeps local state and environment files out', () => {
    const ignore = readFileSync(join(REPO_ROOT, 'docker/Dockerfile.dockerignore'), 'utf8').split('\n');
    expect(ignore[ignore.findIndex((l) => !l.startsWith('#') && l.trim())]).toBe('**');
    for (const entry of ['**/.env', '.stack', '**/node_modules', '**/dist']) expect(ignore).toContain(entry);
  });
});

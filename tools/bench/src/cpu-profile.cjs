/**
 * Preloaded into each service with NODE_OPTIONS=--require (Node 20 does not
 * allow --cpu-prof there): profiles the whole process with the inspector and
 * writes a .cpuprofile (Chrome DevTools format) into CARDLINK_CPU_PROFILE_DIR
 * when the process exits.
 */
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CARDLINK_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  const service = (process.argv[1] ?? '').split('/').slice(-2, -1)[0] || 'node';
  const name = `${service}-${process.argv.includes('migrate') ? 'migrate-' : ''}${process.pid}.cpuprofile`;
  process.once('exit', () => {
    // In-thread inspector sessions answer synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  });
}

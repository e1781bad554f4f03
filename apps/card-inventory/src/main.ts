import './instrumentation';
import { bootstrapService } from '@cardlink/platform';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { runRotateKeys } from './rotation/rotate-keys.command';

if (process.argv[2] === 'rotate-keys') {
  runRotateKeys().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`rotate-keys failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  void bootstrapService({ service: 'card-inventory', configSchema, module: AppModule });
}

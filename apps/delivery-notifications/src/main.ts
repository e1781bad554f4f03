import './instrumentation';
import { bootstrapService } from '@cardlink/platform';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { RETRY_COMMAND, runRetryCommand } from './deliveries/retry-command';

const commandAt = process.argv.indexOf(RETRY_COMMAND);
if (commandAt >= 0) {
  runRetryCommand(process.argv.slice(commandAt + 1)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  void bootstrapService({ service: 'delivery-notifications', configSchema, module: AppModule });
}

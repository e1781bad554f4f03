import './instrumentation';
import { bootstrapService } from '@cardlink/platform';
import { AppModule } from './app.module';
import { configSchema } from './config';

void bootstrapService({ service: 'delivery-notifications', configSchema, module: AppModule });

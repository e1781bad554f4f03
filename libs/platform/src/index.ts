export { platformEnvSchema, serviceEnvSchema, loadConfig, ConfigError, type PlatformConfig } from './lib/config';
export { PlatformModule, type PlatformOptions } from './lib/platform.module';
export { bootstrapService, type ServiceDefinition, type RunningService } from './lib/bootstrap';
export { UnitOfWork } from './lib/unit-of-work';
export { ServiceRuntime } from './lib/service-runtime';
export { SERVICE_CONFIG, SERVICE_NAME } from './lib/tokens';
export { PeriodicTask } from './lib/periodic-task';

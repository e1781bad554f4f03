/**
 * The whole-flow tooling the benchmark stands on (the world of six services,
 * the merchant's set-up, the admin API, the local stack's settings),
 * imported in one place from the `tools` project.
 */
export { type World } from '@cardlink/tools/flow/world';
export { startSimulatedWorld, type SimulatedWorld } from '@cardlink/tools/flow/simulated-world';
export { PATIENT_SENDER, prepareProducts, type FlowProduct, type PreparedProduct } from '@cardlink/tools/flow/scenario';
export { AdminApi } from '@cardlink/tools/flow/admin-api';
export { REPO_ROOT } from '@cardlink/tools/stack/paths';
export { adminDatabaseUrl, localDemoSetting, LOCAL } from '@cardlink/tools/stack/local-env';
export { SERVICES } from '@cardlink/tools/stack/services';

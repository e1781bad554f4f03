/**
 * What the fault harness uses of the whole-flow tools (tools/flow, tools/start,
 * tools/stack), imported in this one place: they belong to the root `tools`
 * project, which has no import alias, and module boundaries refuse relative
 * imports into another project.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { AdminApi } from '../../flow/admin-api';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { blockFraudIdentities, countOrdersByState, PATIENT_SENDER, planFlow, prepareProducts, publishFlowRuleSet, SETTLED_STATES } from '../../flow/scenario';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export type { FlowPlan, FlowProduct, PreparedProduct, StateCounts } from '../../flow/scenario';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { scanLogs, scanTables, scanTopics } from '../../flow/secret-scan';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { readTopicsToEnd } from '../../flow/topic-reader';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { runLogDir, type World } from '../../flow/world';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { startSimulatedWorld, type SimulatedWorld } from '../../flow/simulated-world';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { ensureKafka, stopKafka } from '../../stack/kafka';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { adminDatabaseUrl, LOCAL, localDemoSetting, localRolePassword } from '../../stack/local-env';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the root tools project has no alias (see the comment above)
export { SERVICES } from '../../stack/services';

/**
 * The tables risk-control owns in its schema: entities and the migrations that create
 * them, listed explicitly (the app is bundled, so no globs). The outbox and
 * inbox tables are added by the platform.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [];
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: Function[] = [];

import baseConfig from '../eslint.config.mjs';

// shop-simulator, ops-checks, bench and chaos are projects of their own and lint themselves.
export default [...baseConfig, { ignores: ['shop-simulator/**', 'ops-checks/**', 'bench/**', 'chaos/**'] }];

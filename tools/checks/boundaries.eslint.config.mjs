import nx from '@nx/eslint-plugin';
import { moduleBoundaries, moduleBoundariesInAppTests } from '../../eslint.config.mjs';

/** Only the workspace's layer rules, without type information, so probes can be linted from stdin. */
export default [...nx.configs['flat/base'], ...nx.configs['flat/typescript'], moduleBoundaries, moduleBoundariesInAppTests];

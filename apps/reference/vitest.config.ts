import { kineticaVitestConfig } from '../../vitest.shared';

export default kineticaVitestConfig({ testTimeout: 300_000 });

import { kineticaVitestConfig } from '../../vitest.shared';

export default kineticaVitestConfig({ testTimeout: 600_000 });

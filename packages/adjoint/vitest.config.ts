import { kineticaVitestConfig } from '../../vitest.shared';

export default kineticaVitestConfig();

/**
 * @kinetica/stoichiometry/node: the SBML Test Suite runner, which reads case folders with node:fs.
 * The Node root entry (`@kinetica/stoichiometry`) exports it too.
 */
export {
  listSbmlTestCases,
  runSbmlTestCase,
  type SbmlCaseOptions,
  type SbmlCaseResult,
} from './sbml/conformance';

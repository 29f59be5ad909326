/**
 * @kinetica/stoichiometry, Node entry: everything, as before the browser split: the network and
 * model API (./browser), SBML (./sbml) and the SBML Test Suite runner (./node). Bundlers resolving
 * the `browser` condition get ./browser alone.
 */
export * from './browser';
export * from './node';
export * from './sbml';

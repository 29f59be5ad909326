/**
 * @kinetica/autodiff-ode, Node entry: neural and hybrid ODE vector fields on fused float64 kernels
 * (with a TensorFlow.js path computing the same functions), and training through ODE solves: the
 * browser-safe API (./browser) and the Node-only helpers (./node). Bundlers resolving the
 * `browser` condition get ./browser alone.
 */
export * from './browser';
export * from './node';

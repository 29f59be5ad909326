/**
 * @kinetica/ode-core, Node root: everything of the browser entry (src/browser.ts) and the
 * reverse-mode machinery (also `@kinetica/ode-core/reverse`).
 */
export * from './browser';
export * from './reverse';

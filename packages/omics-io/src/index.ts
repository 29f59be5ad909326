/**
 * @kinetica/omics-io, Node entry: the browser-safe API (./browser) and the file-path readers
 * (./node). Bundlers resolving the `browser` condition get ./browser alone.
 */
export * from './browser';
export * from './node';

/**
 * @kinetica/omics-io/node: the readers that take file paths and read them with node:fs. The Node
 * root entry (`@kinetica/omics-io`) exports them too; this subpath names them explicitly.
 */
export { readLongCsvFile, readLongTable, readWideCsvFile, readWideTable } from './readers/file-readers';
export type { TableSource } from './readers/sources';

/**
 * A DOM document for drawing charts in Node (the CLI report), from linkedom. Node-only: the
 * browser passes its own `document` to the chart builders in `./charts`.
 */
import { parseHTML } from 'linkedom';
import type { DomDocument } from './charts';

let cached: DomDocument | undefined;

/** One shared, empty HTML document (charts only create detached elements in it). */
export function nodeDocument(): DomDocument {
  cached ??= parseHTML('<!doctype html><html><head></head><body></body></html>')
    .document as unknown as DomDocument;
  return cached;
}

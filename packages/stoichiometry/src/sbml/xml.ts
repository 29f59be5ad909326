import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XML element with its children in document order (MathML argument order matters). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content directly inside this element. */
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

/** Parse an XML document into its root element (the first element of the document). */
export function parseXml(text: string, where: string): XmlElement {
  if (text.trim() === '') throw new TypeError(`${where}: empty file (no XML document)`);
  return parsePlainXml(text) ?? parseXmlGeneral(text, where);
}

/** `parseXml` by the general parser alone (what `parsePlainXml` must agree with). */
export function parseXmlGeneral(text: string, where: string): XmlElement {
  if (text.trim() === '') throw new TypeError(`${where}: empty file (no XML document)`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new TypeError(`${where}: ${describeInvalid(text, valid.err)}`);
  let raw: unknown;
  try {
    raw = parser.parse(text);
  } catch (e) {
    throw new TypeError(`${where}: not well-formed XML (${(e as Error).message.split('\n')[0]})`);
  }
  const roots = convert(raw as RawNode[]);
  const root = roots[0];
  if (!root) throw new TypeError(`${where}: no XML element found`);
  return root;
}

/**
 * The validator's complaint as one line with a true position. Elements still open at the end
 * (a truncated file) are reported at the end of the text; the validator itself says line 1,
 * column 1 for them and leaves the column out for some errors.
 */
function describeInvalid(text: string, err: { msg: string; line: number; col?: number }): string {
  const open = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(err.msg);
  if (open) {
    let names: string[] = [];
    try {
      names = JSON.parse(open[1]!) as string[];
    } catch {
      // fall through to the generic message
    }
    const lines = text.trimEnd().split(/\r\n|\r|\n/);
    const line = lines.length;
    const column = lines[line - 1]!.length + 1;
    const tags = names
      .reverse()
      .map((n) => `<${n}>`)
      .join(', ');
    return `not well-formed XML at line ${line}, column ${column}: the document ends with ${tags} still open (truncated file?)`;
  }
  const where = err.col === undefined ? `line ${err.line}` : `line ${err.line}, column ${err.col}`;
  return `not well-formed XML at ${where}: ${err.msg}`;
}

type RawNode = Record<string, unknown>;

function convert(nodes: RawNode[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    for (const key of Object.keys(node)) {
      if (key === ':@' || key === '#text' || key === '?xml' || key.startsWith('#')) continue;
      const body = node[key] as RawNode[];
      const attrs = (node[':@'] ?? {}) as Record<string, string>;
      const text = body
        .filter((c) => '#text' in c)
        .map((c) => String(c['#text']))
        .join(' ');
      out.push({ name: localName(key), attributes: attrs, children: convert(body), text });
    }
  }
  return out;
}

/** Names the general parser refuses or renames (prototype pollution): such documents take its path. */
const RESERVED_NAMES = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
const NAME = /[A-Za-z_][A-Za-z0-9._:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_][A-Za-z0-9._:-]*)\s*=\s*(?:"([^"<&]*)"|'([^'<&]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const DECLARATION = /<\?xml(?:\s+[A-Za-z]+\s*=\s*(?:"[^"<&]*"|'[^'<&]*'))*\s*\?>/y;

/**
 * A fast reader for the plain XML that large generated models are made of: elements, attributes in
 * quotes, text, comments and an XML declaration at the very start. The general parser (with its
 * validator) takes several seconds per 10 MB, most of the import of a 10⁴-species model. Anything
 * else (entity or character references, CDATA, a DOCTYPE, processing instructions, a '>' in text,
 * unusual names, and every malformed document) returns undefined, and the caller parses the text
 * with the general parser, which reports errors. What this reader accepts, the general parser
 * reads the same way: the same tree, attribute values and texts trimmed, an element's text its
 * non-empty trimmed runs of text between tags (comments left out) joined by spaces.
 */
export function parsePlainXml(text: string): XmlElement | undefined {
  const n = text.length;
  let i = 0;
  if (text.startsWith('<?xml')) {
    DECLARATION.lastIndex = 0;
    if (!DECLARATION.test(text)) return undefined;
    i = DECLARATION.lastIndex;
  }
  let root: XmlElement | undefined;
  const stack: Array<{ el: XmlElement; parts: string[]; raw: string }> = [];
  let run = '';
  const flush = (): void => {
    const top = stack[stack.length - 1];
    const t = run.trim();
    run = '';
    if (t === '') return;
    if (!top) throw FALLBACK;
    top.parts.push(t);
  };
  const FALLBACK = new Error('not plain');
  try {
    while (i < n) {
      const lt = text.indexOf('<', i);
      const end = lt < 0 ? n : lt;
      // Leading white space of a run is trimmed anyway: a blank chunk (most of them: indentation)
      // only counts after text.
      let blank = true;
      for (let k = i; k < end && blank; k++) {
        const c = text.charCodeAt(k);
        blank = c === 32 || c === 10 || c === 13 || c === 9;
      }
      if (end > i && !(blank && run === '')) {
        const chunk = text.slice(i, end);
        if (chunk.includes('&') || chunk.includes('>')) return undefined;
        run += chunk;
      }
      if (lt < 0) break;
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === 33 /* ! */) {
        if (!text.startsWith('<!--', lt)) return undefined;
        const close = text.indexOf('-->', lt + 4);
        if (close < 0) return undefined;
        i = close + 3;
        continue;
      }
      if (c1 === 47 /* / */) {
        flush();
        const top = stack.pop();
        if (!top) return undefined;
        const closeAt = lt + 2 + top.raw.length;
        if (!text.startsWith(top.raw, lt + 2) || text.charCodeAt(closeAt) !== 62 /* > */) return undefined;
        top.el.text = top.parts.join(' ');
        i = closeAt + 1;
        continue;
      }
      NAME.lastIndex = lt + 1;
      const m = NAME.exec(text);
      if (!m || RESERVED_NAMES.has(m[0])) return undefined;
      const raw = m[0];
      let at = NAME.lastIndex;
      const attributes: Record<string, string> = {};
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const a = ATTRIBUTE.exec(text);
        if (!a) break;
        const name = a[1]!;
        if (RESERVED_NAMES.has(name) || Object.hasOwn(attributes, name)) return undefined;
        attributes[name] = (a[2] ?? a[3]!).trim();
        at = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = at;
      const e = TAG_END.exec(text);
      if (!e) return undefined;
      i = TAG_END.lastIndex;
      if (stack.length === 0 && root) return undefined; // a second root element
      flush();
      const el: XmlElement = { name: localName(raw), attributes, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.el.children.push(el);
      else root = el;
      if (e[1] !== '/') stack.push({ el, parts: [], raw });
    }
    flush();
  } catch (err) {
    if (err === FALLBACK) return undefined;
    throw err;
  }
  return stack.length === 0 ? root : undefined;
}

/** Element name without its namespace prefix (`math:apply` → `apply`). */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** The first child element called `name`, if any. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** All elements called `name` inside the list element `listName` (empty when the list is absent). */
export function listOf(el: XmlElement, listName: string, name: string): XmlElement[] {
  const list = child(el, listName);
  return list ? list.children.filter((c) => c.name === name) : [];
}

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

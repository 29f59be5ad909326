/**
 * Write new values of parameters into an SBML document's text: global `<parameter>` values
 * (`id`), local parameters of kinetic laws (`REACTION.ID`, `<localParameter>` in Level 3,
 * `<parameter>` inside `<kineticLaw>` in Level 2) and compartment sizes (`id`). Everything else
 * of the document stays byte for byte as it was (an edit of the start tags only, not a re-serialisation).
 */

const TAG =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)(?:[\w.-]+:)?(reaction|parameter|localParameter|compartment)\b([^>]*?)(\/?)>/g;

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? (m[2] ?? m[3]) : undefined;
}

/** The start tag's attributes with `name` set to `value` (replaced where present, else appended). */
function withAttribute(attrs: string, name: string, value: string): string {
  const re = new RegExp(`(^|\\s)${name}\\s*=\\s*("[^"]*"|'[^']*')`);
  if (re.test(attrs)) return attrs.replace(re, `$1${name}="${value}"`);
  return `${attrs.replace(/\s*$/, '')} ${name}="${value}"`;
}

/**
 * Set `values` (id → number) in the document. Throws a RangeError naming the first id that is not a
 * global parameter, a local parameter `REACTION.ID` or a compartment of the document, and for a
 * value that is not finite.
 */
export function setSbmlValues(xml: string, values: Readonly<Record<string, number>>): string {
  const pending = new Map(Object.entries(values));
  for (const [id, v] of pending)
    if (!Number.isFinite(v))
      throw new RangeError(`setSbmlValues: the value of '${id}' must be finite, got ${v}`);
  let reaction: string | undefined;
  const out = xml.replace(TAG, (whole, close: string, name: string, attrs: string, selfClose: string) => {
    if (name === undefined) return whole; // a comment or CDATA section
    if (name === 'reaction') {
      if (close) reaction = undefined;
      else if (!selfClose) reaction = attribute(attrs, 'id');
      return whole;
    }
    if (close) return whole;
    const id = attribute(attrs, 'id');
    if (id === undefined) return whole;
    const key = reaction !== undefined && name !== 'compartment' ? `${reaction}.${id}` : id;
    const v = pending.get(key);
    if (v === undefined) return whole;
    pending.delete(key);
    const newAttrs = withAttribute(attrs, name === 'compartment' ? 'size' : 'value', String(v));
    return whole.replace(attrs, newAttrs);
  });
  const missing = pending.keys().next();
  if (!missing.done)
    throw new RangeError(
      `setSbmlValues: '${missing.value}' is not a global parameter, a local parameter (REACTION.ID) or a compartment of the document`,
    );
  return out;
}

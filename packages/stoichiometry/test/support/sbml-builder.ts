/** Wrap model children in a minimal SBML L3v2 document (test support). */
export function sbmlDocument(body: string, sbmlAttributes = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2" ${sbmlAttributes}>
  <model id="m">
${body}
  </model>
</sbml>`;
}

/** A <math> element around MathML content. */
export function math(content: string): string {
  return `<math xmlns="http://www.w3.org/1998/Math/MathML">${content}</math>`;
}

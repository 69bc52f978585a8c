// The XML Eureka speaks, read with fast-xml-parser into the shape Eureka's JSON gives the same
// thing (attributes as `@name`, text beside them as `$`, a leaf as its text, repeated children as
// an array), and written with two small helpers. Reading refuses DTDs (no entity can expand, none
// can reach a file) and bounds the depth; a document that is not well-formed is an XmlError naming
// the line and column.

import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlError extends Error {}

const MAX_DEPTH = 32;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '$',
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: MAX_DEPTH,
});

/** One document: its root element's name and content. */
export function readXml(text: string): { name: string; value: unknown } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlError('DTDs and declarations are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmlError(
      `${valid.err.msg.replace(/\.$/, '')} (line ${valid.err.line}, column ${valid.err.col})`,
    );
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new XmlError((error as Error).message);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1)
    throw new XmlError(roots.length === 0 ? 'no root element' : 'more than one root element');
  const name = roots[0] as string;
  return { name, value: doc[name] };
}

const escapeText = (s: string) =>
  s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** `<name a="v">content</name>`; `content` is already XML (use `xmlText` for text). */
export function xmlElement(name: string, content: string, attributes: Record<string, string> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** A leaf element holding text. */
export function xmlText(name: string, value: string | number | boolean): string {
  const text = escapeText(String(value));
  return `<${name}>${text}</${name}>`;
}

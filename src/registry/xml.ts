// The little XML Eureka speaks: elements, attributes, text, entities, CDATA and comments. Reading
// refuses DTDs (no entity can expand, none can reach a file) and bounds the depth; a document that
// is not well-formed is an XmlError naming where. Writing escapes text and attribute values.
// (fast-xml-parser would do the reading; it is not a dependency, and Eureka's shapes need little.)

export class XmlError extends Error {}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its text nodes joined), entities decoded. */
  text: string;
}

const MAX_DEPTH = 32;
const NAME = /[A-Za-z_:][\w.:-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  return text.replace(/&([^;&\s]{1,10});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (Number.isInteger(code) && code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    } else if (ENTITIES[ref] !== undefined) return ENTITIES[ref];
    throw new XmlError(`unknown entity ${whole} near offset ${at}`);
  });
}

/** Parses one document; its root element. */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${pos}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      if (text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos);
        if (end < 0) fail('unclosed processing instruction');
        pos = end + 2;
      } else if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos);
        if (end < 0) fail('unclosed comment');
        pos = end + 3;
      } else if (text.startsWith('<!', pos)) fail('DTDs and declarations are not accepted');
      else return;
    }
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) return fail('expected a name');
    pos += match[0].length;
    return match[0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`);
    if (text[pos] !== '<') fail("expected '<'");
    pos++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      while (/\s/.test(text[pos] ?? '')) pos++;
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return el;
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      const attr = name();
      while (/\s/.test(text[pos] ?? '')) pos++;
      if (text[pos] !== '=') fail(`expected '=' after attribute ${attr}`);
      pos++;
      while (/\s/.test(text[pos] ?? '')) pos++;
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") return fail(`expected a quoted value for attribute ${attr}`);
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail(`unclosed value of attribute ${attr}`);
      const raw = text.slice(pos + 1, end);
      if (raw.includes('<')) fail(`'<' in the value of attribute ${attr}`);
      el.attributes[attr] = decode(raw, pos);
      pos = end + 1;
    }
    const parts: string[] = [];
    for (;;) {
      if (pos >= text.length) fail(`element <${el.name}> is not closed`);
      if (text.startsWith('</', pos)) {
        pos += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        while (/\s/.test(text[pos] ?? '')) pos++;
        if (text[pos] !== '>') fail("expected '>'");
        pos++;
        el.text = parts.join('');
        return el;
      }
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos);
        if (end < 0) fail('unclosed comment');
        pos = end + 3;
      } else if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos);
        if (end < 0) fail('unclosed CDATA section');
        parts.push(text.slice(pos + 9, end));
        pos = end + 3;
      } else if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) {
        fail('declarations are not accepted inside elements');
      } else if (text[pos] === '<') {
        el.children.push(element(depth + 1));
      } else {
        const next = text.indexOf('<', pos);
        const end = next < 0 ? text.length : next;
        parts.push(decode(text.slice(pos, end), pos));
        pos = end;
      }
    }
  };
  skipMisc();
  if (pos >= text.length) fail('no root element');
  const root = element(0);
  skipMisc();
  if (pos < text.length) fail('content after the root element');
  return root;
}

/**
 * An element as Eureka's JSON spells the same thing: attributes as `@name`, text beside them or
 * beside children as `$`, a leaf without attributes as its text, repeated children as an array.
 */
export function xmlToJsonLike(el: XmlElement): unknown {
  const hasAttributes = Object.keys(el.attributes).length > 0;
  if (el.children.length === 0 && !hasAttributes) return el.text;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(el.attributes)) out[`@${k}`] = v;
  for (const child of el.children) {
    const value = xmlToJsonLike(child);
    const have = out[child.name];
    if (have === undefined) out[child.name] = value;
    // Never an array of its own making: xmlToJsonLike returns text or an object.
    else if (Array.isArray(have)) have.push(value);
    else out[child.name] = [have, value];
  }
  if (el.text.trim() !== '') out.$ = el.text;
  return out;
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

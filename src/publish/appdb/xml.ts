// Just enough XML for AppDB's REST API: escaping for the documents we write, and a strict parser for
// the well-formed answers we read (elements, attributes, text, CDATA, comments; no DTDs or entities
// beyond the predefined and numeric ones, so nothing can expand or fetch).
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

function unescape(s: string, at: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);|&/g, (m, ent: string | undefined) => {
    if (!ent) throw new XmlError(`bare "&" near offset ${at}`);
    if (ent.startsWith("#x")) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith("#")) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    return ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" } as Record<string, string>)[ent]!;
  });
}

export class XmlError extends Error {
  constructor(message: string) {
    super(`XML: ${message}`);
    this.name = "XmlError";
  }
}

const NAME = /^[A-Za-z_][\w.:-]*/;

export function parseXml(text: string): XmlElement {
  let i = 0;
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  while (i < text.length) {
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) throw new XmlError("unterminated processing instruction");
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0) throw new XmlError("unterminated comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i);
      if (end < 0) throw new XmlError("unterminated CDATA");
      top().text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith("<!", i)) {
      throw new XmlError("DOCTYPE and declarations are not accepted");
    } else if (text.startsWith("</", i)) {
      const m = NAME.exec(text.slice(i + 2));
      const end = text.indexOf(">", i);
      if (!m || end < 0) throw new XmlError(`bad end tag at offset ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new XmlError(`</${m[0]}> does not close <${open?.name ?? "nothing"}> (offset ${i})`);
      i = end + 1;
    } else if (text[i] === "<") {
      const m = NAME.exec(text.slice(i + 1));
      if (!m) throw new XmlError(`bad start tag at offset ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: "" };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(text.slice(i))![0];
        i += ws.length;
        if (text.startsWith("/>", i)) {
          i += 2;
          top().children.push(el);
          break;
        }
        if (text[i] === ">") {
          i += 1;
          top().children.push(el);
          stack.push(el);
          break;
        }
        const a = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(i));
        if (!a || ws.length === 0) throw new XmlError(`bad attribute in <${el.name}> at offset ${i}`);
        if (a[1]! in el.attrs) throw new XmlError(`duplicate attribute ${a[1]} in <${el.name}>`);
        el.attrs[a[1]!] = unescape(a[3] ?? a[4] ?? "", i);
        i += a[0].length;
      }
    } else {
      const next = text.indexOf("<", i);
      const chunk = text.slice(i, next < 0 ? text.length : next);
      if (stack.length === 1 && chunk.trim()) throw new XmlError("text outside the root element");
      top().text += unescape(chunk, i);
      i = next < 0 ? text.length : next;
    }
  }
  if (stack.length !== 1) throw new XmlError(`<${top().name}> is not closed`);
  const elements = root.children;
  if (elements.length !== 1) throw new XmlError(`expected one root element, found ${elements.length}`);
  return elements[0]!;
}

/** Local part of a qualified name ("virtualization:instance" -> "instance"). */
export const localName = (n: string) => n.slice(n.indexOf(":") + 1);

export function children(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => localName(c.name) === local);
}

export function child(el: XmlElement, local: string): XmlElement | undefined {
  return children(el, local)[0];
}

/** Every descendant (depth first) with this local name. */
export function descendants(el: XmlElement, local: string): XmlElement[] {
  return el.children.flatMap((c) => [...(localName(c.name) === local ? [c] : []), ...descendants(c, local)]);
}

// A local stand-in for AppDB's REST API v1.0 (AppDB cannot run here), limited to what registering an
// appliance version uses: the vocabularies, GET/PUT/POST /applications/:id/virtualization and
// DELETE /virtualization/:vappid/:versionid. It validates every document strictly against the shape of
// AppDB's virtualization.xsd (required elements and attributes, known vocabulary ids, SHA-512 checksums,
// min <= recommended), requires the access token, keeps published versions unchangeable, and answers
// every other request 404 (recorded as unexpected).
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { freePort } from "./registry.js";
import { parseXml, children, child, localName, escapeXml, type XmlElement } from "../../src/publish/appdb/xml.js";

const NS_V = "http://appdb.egi.eu/api/1.0/virtualization";
const NS_A = "http://appdb.egi.eu/api/1.0/application";
export const HYPERVISORS: Record<string, string> = { "1": "QEMU", "2": "KVM", "3": "VirtualBox", "4": "Xen" };
export const FORMATS: Record<string, string> = { "1": "RAW", "2": "QCOW2", "3": "VMDK", "4": "OVA" };
export const ARCHS: Record<string, string> = { "1": "x86_64", "2": "aarch64", "3": "i686" };

export interface StandinImage {
  identifier: string;
  url: string;
  sha512: string;
  size: number;
  format: string;
  arch: string;
  hypervisors: string[];
  cores: [number, number];
  ram: [number, number];
}

export interface StandinVersion {
  id: number;
  version: string;
  published: boolean;
  identifier: string;
  expireson: string;
  images: StandinImage[];
}

export interface AppdbStandin {
  url: string;
  token: string;
  apps: Map<string, { vappid: number; versions: StandinVersion[] }>;
  faults: { method: string; path: RegExp; status: number; times: number }[];
  requests: string[];
  unexpected: string[];
  rejected: string[];
  close(): Promise<void>;
}

class Invalid extends Error {}

function need(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Invalid(msg);
}

function onlyChildren(el: XmlElement, allowed: string[]): void {
  for (const c of el.children) need(c.name.startsWith("virtualization:") && allowed.includes(localName(c.name)), `<${el.name}> may not contain <${c.name}>`);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BOOL = (v: string | undefined) => v === "true" || v === "false";

function minmax(el: XmlElement | undefined, what: string): [number, number] {
  need(el, `<virtualization:${what}> is required`);
  const min = Number(el.attrs.minimum);
  const rec = Number(el.attrs.recommended);
  need(Number.isInteger(min) && Number.isInteger(rec) && min > 0 && min <= rec, `${what}: minimum and recommended must be integers, minimum <= recommended`);
  return [min, rec];
}

/** Validates one appliance document; returns the version it describes. */
export function validateDocument(doc: XmlElement, appId: string, update: boolean): StandinVersion & { givenId?: number } {
  need(doc.name === "virtualization:appliance", `root must be virtualization:appliance, not ${doc.name}`);
  need(doc.attrs["xmlns:virtualization"] === NS_V, "xmlns:virtualization must be " + NS_V);
  need(doc.attrs.appid === appId, `appid attribute ${doc.attrs.appid} differs from the URL's ${appId}`);
  onlyChildren(doc, ["instance"]);
  const insts = children(doc, "instance");
  need(insts.length === 1, "exactly one virtualization:instance (version) per request");
  const inst = insts[0]!;
  const a = inst.attrs;
  need(a.version && /^[\w.-]{1,50}$/.test(a.version), "instance@version is required");
  need(BOOL(a.published) && BOOL(a.enabled) && BOOL(a.archived), "instance@published, @enabled, @archived must be true or false");
  need(a.createdon && ISO.test(a.createdon) && a.expireson && ISO.test(a.expireson), "instance@createdon and @expireson must be xs:dateTime in UTC");
  const months = (Date.parse(a.expireson) - Date.parse(a.createdon)) / (30.44 * 86_400_000);
  need([3, 6, 9, 12].some((m) => Math.abs(months - m) < 0.2), "instance@expireson must be 3, 6, 9 or 12 months after @createdon");
  need(update ? /^\d+$/.test(a.id ?? "") : a.id === undefined, update ? "POST (update) needs instance@id" : "PUT (insert) may not carry instance@id");
  onlyChildren(inst, ["identifier", "notes", "image"]);
  const identifier = child(inst, "identifier")?.text.trim() ?? "";
  need(UUID.test(identifier), "instance identifier must be a UUID");
  const imgs = children(inst, "image");
  need(imgs.length >= 1, "at least one virtualization:image");
  const images: StandinImage[] = [];
  for (const img of imgs) {
    onlyChildren(img, ["group", "notes", "identifier", "description", "instance"]);
    need(child(img, "group")?.text.trim(), "image group is required");
    for (const ii of children(img, "instance")) {
      onlyChildren(ii, ["identifier", "title", "description", "notes", "url", "checksum", "size", "format", "arch", "os", "hypervisor", "cores", "ram", "ovf", "integritycheck", "network_traffic"]);
      need(ii.attrs.version === a.version, "image instance@version must equal the version's");
      need(BOOL(ii.attrs.integrity), "image instance@integrity must be true or false");
      const id = child(ii, "identifier")?.text.trim() ?? "";
      need(UUID.test(id), "image identifier must be a UUID");
      const url = child(ii, "url")?.text.trim() ?? "";
      need(/^https?:\/\/[^\s]+$/.test(url), "image url must be an absolute http(s) URL");
      const sums = children(ii, "checksum");
      need(sums.length >= 1, "image checksum is required");
      const sha = sums.find((c) => (c.attrs.hash ?? c.attrs.hashtype) === "sha512");
      need(sha && /^[0-9a-f]{128}$/.test(sha.text.trim()), "a sha512 checksum of 128 hex digits is required");
      const size = Number(child(ii, "size")?.text.trim());
      need(Number.isInteger(size) && size > 0, "image size must be a positive integer (bytes)");
      const format = child(ii, "format")?.text.trim() ?? "";
      need(Object.values(FORMATS).includes(format), `unknown format ${format}`);
      const arch = child(ii, "arch");
      need(arch && ARCHS[arch.attrs.id ?? ""] === arch.text.trim(), "arch needs a known id whose name is its text");
      const os = child(ii, "os");
      need(os && os.attrs.version && os.text.trim(), "os needs a version attribute and a name");
      const hv = children(ii, "hypervisor");
      need(hv.length >= 1 && hv.every((h) => HYPERVISORS[h.attrs.id ?? ""] === h.text.trim()), "hypervisors need known ids whose names are their text");
      images.push({ identifier: id, url, sha512: sha.text.trim(), size, format, arch: arch.text.trim(), hypervisors: hv.map((h) => h.text.trim()), cores: minmax(child(ii, "cores"), "cores"), ram: minmax(child(ii, "ram"), "ram") });
    }
  }
  return { id: 0, version: a.version, published: a.published === "true", identifier, expireson: a.expireson, images, ...(a.id ? { givenId: Number(a.id) } : {}) };
}

function applianceXml(appId: string, app: { vappid: number; versions: StandinVersion[] }): string {
  const e = escapeXml;
  const versions = app.versions.map((v) => [
    `  <virtualization:instance id="${v.id}" version="${e(v.version)}" published="${v.published}" enabled="true" archived="false" createdon="2026-11-20T03:00:00Z" expireson="${v.expireson}" status="verified">`,
    `    <virtualization:identifier>${v.identifier}</virtualization:identifier>`,
    `    <virtualization:image id="${v.id * 10}">`,
    ...v.images.map((i) => `      <virtualization:instance id="${v.id * 100}" version="${e(v.version)}" flavourid="1" integrity="false" enabled="true" isprivate="false" protected="false"><virtualization:identifier>${i.identifier}</virtualization:identifier><virtualization:url>${e(i.url)}</virtualization:url><virtualization:checksum hash="sha512">${i.sha512}</virtualization:checksum><virtualization:size>${i.size}</virtualization:size><virtualization:format>${i.format}</virtualization:format></virtualization:instance>`),
    `    </virtualization:image>`,
    `  </virtualization:instance>`,
  ].join("\n"));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<virtualization:appliance xmlns:virtualization="${NS_V}" xmlns:application="${NS_A}" id="${app.vappid}" appid="${appId}" identifier="vapp-${appId}">\n${versions.join("\n")}\n</virtualization:appliance>\n`;
}

export async function startAppdbStandin(token = "appdb-test-token", appIds = ["1234"]): Promise<AppdbStandin> {
  const port = await freePort();
  let nextId = 100;
  const s: AppdbStandin = {
    url: `http://127.0.0.1:${port}/rest/1.0`,
    token,
    apps: new Map(appIds.map((id, i) => [id, { vappid: 50 + i, versions: [] }])),
    faults: [],
    requests: [],
    unexpected: [],
    rejected: [],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const send = (res: ServerResponse, status: number, xml = "") => {
    res.writeHead(status, { "content-type": "application/xml" });
    res.end(xml);
  };
  const error = (res: ServerResponse, status: number, msg: string) => send(res, status, `<?xml version="1.0"?><appdb:error xmlns:appdb="http://appdb.egi.eu/api/1.0/appdb">${escapeXml(msg)}</appdb:error>`);
  const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let b = "";
    req.on("data", (c: Buffer) => (b += c.toString("utf8")));
    req.on("end", () => resolve(b));
  });
  const vocab = (ns: string, el: string, m: Record<string, string>) =>
    `<?xml version="1.0"?><appdb:appdb xmlns:appdb="http://appdb.egi.eu/api/1.0/appdb" xmlns:${ns}="${ns === "application" ? NS_A : NS_V}">${Object.entries(m).map(([id, n]) => `<${ns}:${el} id="${id}">${n}</${ns}:${el}>`).join("")}</appdb:appdb>`;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const method = req.method ?? "";
    const path = url.pathname.replace(/^\/rest\/1\.0/, "");
    s.requests.push(`${method} ${path}`);
    const fault = s.faults.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (fault) {
      fault.times--;
      await body(req);
      return error(res, fault.status, "injected failure");
    }
    if (!url.pathname.startsWith("/rest/1.0/")) {
      s.unexpected.push(`${method} ${url.pathname}`);
      return error(res, 404, "not found");
    }
    if (url.searchParams.get("accesstoken") !== token) return error(res, 401, "a valid accesstoken is required");
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/applications/hypervisors") return send(res, 200, vocab("virtualization", "hypervisor", HYPERVISORS));
    if (method === "GET" && path === "/applications/vmiformats") return send(res, 200, vocab("virtualization", "format", FORMATS));
    if (method === "GET" && path === "/applications/archs") return send(res, 200, vocab("application", "arch", ARCHS));
    if ((m = /^\/applications\/(\d+)\/virtualization$/.exec(path))) {
      const appId = m[1]!;
      const app = s.apps.get(appId);
      if (!app) return error(res, 404, `no application ${appId}`);
      if (method === "GET") return send(res, 200, applianceXml(appId, app));
      if (method === "PUT" || method === "POST") {
        if (!String(req.headers["content-type"] ?? "").startsWith("application/xml")) return error(res, 415, "Content-Type must be application/xml");
        let v: ReturnType<typeof validateDocument>;
        try {
          v = validateDocument(parseXml(await body(req)), appId, method === "POST");
        } catch (e) {
          s.rejected.push((e as Error).message);
          return error(res, 400, (e as Error).message);
        }
        if (method === "PUT") {
          // AppDB's convention: PUT inserts a new version (nothing stops two with the same name).
          app.versions.push({ ...v, id: nextId++ });
        } else {
          const existing = app.versions.find((x) => x.id === v.givenId);
          if (!existing) return error(res, 404, `no version ${v.givenId}`);
          if (existing.published && JSON.stringify(existing.images) !== JSON.stringify(v.images)) return error(res, 403, "a published version cannot be changed");
          Object.assign(existing, { version: v.version, published: v.published, identifier: v.identifier, expireson: v.expireson, images: v.images });
        }
        return send(res, method === "PUT" ? 201 : 200, applianceXml(appId, app));
      }
    }
    if (method === "DELETE" && (m = /^\/virtualization\/(\d+)\/(\d+)$/.exec(path))) {
      const app = [...s.apps.values()].find((a) => a.vappid === Number(m![1]));
      const v = app?.versions.find((x) => x.id === Number(m![2]));
      if (!app || !v) return error(res, 404, "no such version");
      if (v.published) return error(res, 403, "only unpublished versions can be deleted");
      app.versions.splice(app.versions.indexOf(v), 1);
      res.writeHead(204);
      return res.end();
    }
    s.unexpected.push(`${method} ${path}`);
    return error(res, 404, "not implemented by the stand-in");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return s;
}

// A local stand-in for the few GitHub REST endpoints the release publisher uses (the GitHub API cannot
// run here). It checks requests strictly — token, JSON bodies, upload headers, unique asset names — and
// behaves as GitHub does where it matters: drafts are invisible without a token and to get-by-tag,
// a failed upload leaves an asset in state "starter" that blocks the name (422), the `latest` release
// serves /releases/latest/download/<name>. Every request outside this set is answered 404 and recorded.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { createHash } from "node:crypto";
import { freePort } from "./registry.js";

export interface StandinAsset {
  id: number;
  name: string;
  size: number;
  state: "uploaded" | "starter";
  content_type: string;
  bytes: Buffer;
}

export interface StandinRelease {
  id: number;
  tag_name: string;
  name: string;
  body: string;
  draft: boolean;
  target_commitish: string;
  created_at: string;
  assets: StandinAsset[];
}

export interface InjectedFault {
  method: string;
  path: RegExp;
  /** An HTTP status, or "cut": read half of an upload, record a "starter" asset, drop the connection. */
  fault: number | "cut";
  times: number;
}

export interface GithubStandin {
  url: string;
  owner: string;
  repo: string;
  token: string;
  releases: StandinRelease[];
  latestId: number | undefined;
  faults: InjectedFault[];
  requests: string[];
  unexpected: string[];
  /** Called for each request; throwing from it is not supported — use it to observe or to kill a client. */
  onRequest?: (method: string, path: string) => void;
  close(): Promise<void>;
}

export async function startGithubStandin(owner = "egi-federation", repo = "vmendorse", token = "ghs_test_token"): Promise<GithubStandin> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let nextId = 1;
  let clock = Date.parse("2026-11-23T12:00:00Z");
  const s: GithubStandin = {
    url: base,
    owner,
    repo,
    token,
    releases: [],
    latestId: undefined,
    faults: [],
    requests: [],
    unexpected: [],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const apiRelease = (r: StandinRelease) => ({
    id: r.id,
    url: `${base}/repos/${owner}/${repo}/releases/${r.id}`,
    html_url: `${base}/${owner}/${repo}/releases/tag/${r.tag_name}`,
    upload_url: `${base}/uploads/repos/${owner}/${repo}/releases/${r.id}/assets{?name,label}`,
    tag_name: r.tag_name,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: false,
    target_commitish: r.target_commitish,
    created_at: r.created_at,
    assets: r.assets.map(apiAsset),
  });
  const apiAsset = (a: StandinAsset) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    state: a.state,
    content_type: a.content_type,
    digest: a.state === "uploaded" ? `sha256:${createHash("sha256").update(a.bytes).digest("hex")}` : null,
    url: `${base}/repos/${owner}/${repo}/releases/assets/${a.id}`,
    browser_download_url: `${base}/download/${a.id}/${a.name}`,
  });
  const json = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) => new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
  const authorized = (req: IncomingMessage) => {
    const a = req.headers.authorization ?? "";
    return a === `token ${token}` || a === `Bearer ${token}`;
  };
  const findAsset = (id: number) => {
    for (const r of s.releases) {
      const a = r.assets.find((x) => x.id === id);
      if (a) return { r, a };
    }
    return undefined;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;
    const method = req.method ?? "";
    s.requests.push(`${method} ${path}`);
    s.onRequest?.(method, path);
    const fault = s.faults.find((f) => f.times > 0 && f.method === method && f.path.test(path));
    if (fault) {
      fault.times--;
      if (fault.fault !== "cut") {
        await readBody(req);
        return json(res, fault.fault, { message: "injected failure" });
      }
    }
    const repoPrefix = `/repos/${owner}/${repo}`;
    let m: RegExpExecArray | null;
    try {
      // Downloads (github.com and objects storage in real life) need no API token.
      if (method === "GET" && (m = /^\/download\/(\d+)\/([^/]+)$/.exec(path))) {
        const f = findAsset(Number(m[1]));
        if (!f || f.a.state !== "uploaded" || (f.r.draft && !authorized(req))) return json(res, 404, { message: "Not Found" });
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": f.a.size });
        return res.end(f.a.bytes);
      }
      if (method === "GET" && (m = new RegExp(`^/${owner}/${repo}/releases/latest/download/([^/]+)$`).exec(path))) {
        const latest = s.releases.find((r) => r.id === s.latestId && !r.draft);
        const a = latest?.assets.find((x) => x.name === m![1] && x.state === "uploaded");
        if (!a) return json(res, 404, { message: "Not Found" });
        res.writeHead(302, { location: `${base}/download/${a.id}/${a.name}` });
        return res.end();
      }
      if (!authorized(req)) return json(res, 401, { message: "Bad credentials" });

      if (method === "GET" && path === `${repoPrefix}/releases`) {
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = [...s.releases].sort((a, b) => b.id - a.id);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        if (page * perPage < all.length) res.setHeader("link", `<${base}${repoPrefix}/releases?per_page=${perPage}&page=${page + 1}>; rel="next"`);
        return json(res, 200, slice.map(apiRelease));
      }
      if (method === "GET" && (m = new RegExp(`^${repoPrefix}/releases/tags/([^/]+)$`).exec(path))) {
        const r = s.releases.find((x) => x.tag_name === decodeURIComponent(m![1]!) && !x.draft);
        return r ? json(res, 200, apiRelease(r)) : json(res, 404, { message: "Not Found" });
      }
      if (method === "POST" && path === `${repoPrefix}/releases`) {
        const body = JSON.parse((await readBody(req)).toString("utf8")) as Record<string, unknown>;
        const allowed = new Set(["tag_name", "target_commitish", "name", "body", "draft", "prerelease", "make_latest", "generate_release_notes"]);
        const unknown = Object.keys(body).filter((k) => !allowed.has(k));
        if (unknown.length) return json(res, 422, { message: `unknown fields ${unknown.join(",")}` });
        if (typeof body.tag_name !== "string" || !/^[\w.-]+$/.test(body.tag_name)) return json(res, 422, { message: "tag_name is invalid" });
        if (body.draft !== undefined && typeof body.draft !== "boolean") return json(res, 422, { message: "draft must be boolean" });
        if (!body.draft && s.releases.some((r) => !r.draft && r.tag_name === body.tag_name)) return json(res, 422, { message: "already_exists" });
        const r: StandinRelease = { id: nextId++, tag_name: body.tag_name, name: String(body.name ?? body.tag_name), body: String(body.body ?? ""), draft: body.draft === true, target_commitish: String(body.target_commitish ?? "main"), created_at: new Date((clock += 1000)).toISOString(), assets: [] };
        s.releases.push(r);
        if (!r.draft && body.make_latest !== "false") s.latestId = r.id;
        return json(res, 201, apiRelease(r));
      }
      if ((m = new RegExp(`^${repoPrefix}/releases/(\\d+)$`).exec(path))) {
        const r = s.releases.find((x) => x.id === Number(m![1]));
        if (!r) return json(res, 404, { message: "Not Found" });
        if (method === "PATCH") {
          const body = JSON.parse((await readBody(req)).toString("utf8")) as Record<string, unknown>;
          if (body.draft === false) {
            if (s.releases.some((x) => x !== r && !x.draft && x.tag_name === r.tag_name)) return json(res, 422, { message: "tag already used by a published release" });
            r.draft = false;
            if (body.make_latest !== "false") s.latestId = r.id;
          }
          if (typeof body.name === "string") r.name = body.name;
          if (typeof body.body === "string") r.body = body.body;
          return json(res, 200, apiRelease(r));
        }
        if (method === "DELETE") {
          s.releases.splice(s.releases.indexOf(r), 1);
          res.writeHead(204);
          return res.end();
        }
      }
      if (method === "GET" && (m = new RegExp(`^${repoPrefix}/releases/(\\d+)/assets$`).exec(path))) {
        const r = s.releases.find((x) => x.id === Number(m![1]));
        return r ? json(res, 200, r.assets.map(apiAsset)) : json(res, 404, { message: "Not Found" });
      }
      if ((m = new RegExp(`^${repoPrefix}/releases/assets/(\\d+)$`).exec(path))) {
        const f = findAsset(Number(m[1]));
        if (!f) return json(res, 404, { message: "Not Found" });
        if (method === "GET") {
          if (req.headers.accept === "application/octet-stream") {
            res.writeHead(302, { location: `${base}/download/${f.a.id}/${f.a.name}` });
            return res.end();
          }
          return json(res, 200, apiAsset(f.a));
        }
        if (method === "DELETE") {
          f.r.assets.splice(f.r.assets.indexOf(f.a), 1);
          res.writeHead(204);
          return res.end();
        }
      }
      if (method === "POST" && (m = new RegExp(`^/uploads${repoPrefix}/releases/(\\d+)/assets$`).exec(path))) {
        const r = s.releases.find((x) => x.id === Number(m![1]));
        if (!r) return json(res, 404, { message: "Not Found" });
        const name = url.searchParams.get("name") ?? "";
        if (!/^[A-Za-z0-9._-]+$/.test(name)) return json(res, 422, { message: "invalid asset name" });
        const type = req.headers["content-type"];
        const length = Number(req.headers["content-length"]);
        if (!type) return json(res, 422, { message: "Content-Type required" });
        if (!Number.isInteger(length) || length <= 0) return json(res, 422, { message: "Content-Length required" });
        if (r.assets.some((a) => a.name === name)) return json(res, 422, { message: "Validation Failed", errors: [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }] });
        if (fault?.fault === "cut") {
          // GitHub keeps a "starter" asset for a failed upload; the name stays taken until it is deleted.
          r.assets.push({ id: nextId++, name, size: 0, state: "starter", content_type: type, bytes: Buffer.alloc(0) });
          req.once("data", () => req.socket.destroy());
          return;
        }
        const bytes = await readBody(req);
        if (bytes.length !== length) return json(res, 400, { message: "length mismatch" });
        const a: StandinAsset = { id: nextId++, name, size: bytes.length, state: "uploaded", content_type: type, bytes };
        r.assets.push(a);
        return json(res, 201, apiAsset(a));
      }
      s.unexpected.push(`${method} ${path}`);
      return json(res, 404, { message: "Not Found (not implemented by the stand-in)" });
    } catch (e) {
      return json(res, 400, { message: `bad request: ${(e as Error).message}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return s;
}

// Appliance repository on a plain HTTP server that accepts PUT (WebDAV: nginx dav, Apache mod_dav, …),
// with the same layout as the folder publisher. A file is PUT under a hidden staging name, then moved
// into place with WebDAV MOVE (a server without MOVE gets a direct PUT), then downloaded again and
// hashed (read back). Credentials: user:password in the URL (Basic) or VMENDORSE_HTTP_TOKEN (Bearer).
import { createReadStream } from "node:fs";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { RefusedError } from "../util/diagnostic.js";
import { fetchBuffered, follow, HttpStatusError, expectStatus, type Body } from "./http.js";
import { digestStream, type Digests } from "../util/digest.js";
import { record, retrying, type PublishContext } from "./context.js";
import type { ReleasePlan } from "./plan.js";
import { checkNotRollback, LIST_NAME, type ListSet } from "./list-files.js";
import { describeTarget, type Target } from "./targets.js";

type HttpTarget = Extract<Target, { kind: "http" }>;

export class HttpRepo {
  readonly base: string;
  private auth: string | undefined;

  constructor(target: HttpTarget, env: NodeJS.ProcessEnv) {
    const u = new URL(target.base);
    if (u.username) this.auth = "Basic " + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64");
    else if (env.VMENDORSE_HTTP_TOKEN) this.auth = `Bearer ${env.VMENDORSE_HTTP_TOKEN}`;
    u.username = "";
    u.password = "";
    this.base = u.toString().replace(/\/+$/, "");
  }

  url(rel: string): string {
    return `${this.base}/${rel.split("/").map(encodeURIComponent).join("/")}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.auth ? { authorization: this.auth } : {}) };
  }

  /** Digests of the file at `rel`, or undefined when the server has none. */
  async digests(rel: string): Promise<Digests | undefined> {
    const res = await follow({ method: "GET", url: this.url(rel), headers: this.headers() });
    if (res.statusCode === 404 || res.statusCode === 410) {
      res.resume();
      return undefined;
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new HttpStatusError(`GET ${this.url(rel)}`, res.statusCode ?? 0, "");
    }
    return digestStream(res as Readable);
  }

  async getBytes(rel: string): Promise<Buffer | undefined> {
    const res = await fetchBuffered({ method: "GET", url: this.url(rel), headers: this.headers() });
    if (res.status === 404 || res.status === 410) return undefined;
    return expectStatus(res, [200], `GET ${this.url(rel)}`).body;
  }

  async put(rel: string, body: Body): Promise<void> {
    const url = this.url(rel);
    let res = await fetchBuffered({ method: "PUT", url, headers: this.headers({ "content-type": "application/octet-stream" }), body });
    if (res.status === 409) {
      // WebDAV: the parent collection is missing; create it level by level, then try again.
      const parts = rel.split("/").slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const m = await fetchBuffered({ method: "MKCOL", url: this.url(parts.slice(0, i).join("/")) + "/", headers: this.headers() });
        expectStatus(m, [201, 405], `MKCOL ${parts.slice(0, i).join("/")}`); // 405: exists already
      }
      res = await fetchBuffered({ method: "PUT", url, headers: this.headers({ "content-type": "application/octet-stream" }), body });
    }
    expectStatus(res, [200, 201, 204], `PUT ${url}`);
  }

  /** WebDAV MOVE; false when the server does not offer it. */
  async move(from: string, to: string): Promise<boolean> {
    const res = await fetchBuffered({ method: "MOVE", url: this.url(from), headers: this.headers({ destination: this.url(to), overwrite: "T" }) });
    if (res.status === 405 || res.status === 501) return false;
    expectStatus(res, [201, 204], `MOVE ${from} -> ${to}`);
    return true;
  }

  async delete(rel: string): Promise<void> {
    const res = await fetchBuffered({ method: "DELETE", url: this.url(rel), headers: this.headers() });
    expectStatus(res, [200, 204, 404], `DELETE ${this.url(rel)}`);
  }
}

interface Source {
  sha512: string;
  size: number;
  body: Body;
}

/** Puts one file at `rel` unless an identical one is there; refuses to change an immutable file. */
export async function putVerified(repo: HttpRepo, ctx: PublishContext, where: string, rel: string, src: Source, immutable: boolean): Promise<"uploaded" | "present"> {
  const have = await retrying(ctx, `GET ${rel}`, () => repo.digests(rel));
  if (have && have.sha512 === src.sha512 && have.size === src.size) return "present";
  if (have && immutable) throw new RefusedError(`${where}: ${rel} exists with other content (SHA-512 ${have.sha512.slice(0, 16)}…); published artifacts are immutable — build a new version`, "publish.immutable");
  const slash = rel.lastIndexOf("/");
  const staging = `${rel.slice(0, slash + 1)}.${rel.slice(slash + 1)}.${randomBytes(6).toString("hex")}.partial`;
  await retrying(ctx, `PUT ${staging}`, () => repo.put(staging, src.body));
  const moved = await retrying(ctx, `MOVE ${rel}`, () => repo.move(staging, rel));
  if (!moved) {
    await retrying(ctx, `PUT ${rel}`, () => repo.put(rel, src.body));
    await retrying(ctx, `DELETE ${staging}`, () => repo.delete(staging));
  }
  const back = await retrying(ctx, `read back ${rel}`, () => repo.digests(rel));
  if (!back || back.sha512 !== src.sha512 || back.size !== src.size) {
    if (immutable) await retrying(ctx, `DELETE ${rel}`, () => repo.delete(rel));
    throw new RefusedError(`${where}: ${rel} read back ${back ? `with SHA-512 ${back.sha512.slice(0, 16)}…, ${back.size} bytes` : "missing"}; expected ${src.sha512.slice(0, 16)}…, ${src.size} bytes`, "publish.readback");
  }
  return "uploaded";
}

export async function publishReleaseToHttp(plan: ReleasePlan, target: HttpTarget, ctx: PublishContext): Promise<void> {
  const where = describeTarget(target);
  const repo = new HttpRepo(target, ctx.env);
  for (const f of plan.files) {
    const rel = `${plan.appliance}/${f.name}`;
    const action = await putVerified(repo, ctx, where, rel, { sha512: f.sha512, size: f.size, body: { length: f.size, open: () => createReadStream(f.path, { highWaterMark: 1024 * 1024 }) } }, true);
    record(ctx, { target: where, item: rel, action, detail: action === "uploaded" ? `${f.size} bytes, read back` : undefined });
  }
}

export async function publishListToHttp(set: ListSet, target: HttpTarget, ctx: PublishContext): Promise<void> {
  const where = describeTarget(target);
  const repo = new HttpRepo(target, ctx.env);
  const state = checkNotRollback(where, await retrying(ctx, `GET ${LIST_NAME}`, () => repo.getBytes(LIST_NAME)), set);
  for (const f of set.files) {
    const action = await putVerified(repo, ctx, where, f.rel, { sha512: f.sha512, size: f.size, body: f.bytes }, false);
    record(ctx, { target: where, item: f.rel, action, detail: f.kind === "list" ? `serial ${set.serial}${state === "same" ? ", already published" : ""}` : undefined });
  }
}

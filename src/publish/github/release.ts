// The signed list as GitHub release assets, so that sites find the newest list at the stable URL
// https://github.com/<owner>/<repo>/releases/latest/download/imagelist.json.
// Atomic from a site's view: assets go to a *draft* release (invisible to the public), each is
// downloaded again and hashed, and only a complete, verified draft is published and marked latest.
// Idempotent: a rerun finds its draft (or the published release) by tag and uploads only what is missing;
// duplicate drafts a crash may have left are removed. Uses @octokit/rest with a configurable baseUrl
// (GitHub Enterprise, or the local stand-in the tests run, since the GitHub API cannot run here).
import { Octokit } from "@octokit/rest";
import { createHash } from "node:crypto";
import { RefusedError } from "../../util/diagnostic.js";
import { record, retrying, type PublishContext } from "../context.js";
import { LIST_NAME, type ListFile, type ListSet } from "../list-files.js";
import { describeTarget, type Target } from "../targets.js";

type GithubTarget = Extract<Target, { kind: "github" }>;

// Failures are reported by the publisher itself (with retries); octokit's own console logging is off.
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export const DEFAULT_GITHUB_API = "https://api.github.com";
export const TAG_PREFIX = "imagelist-";

export interface GithubOptions {
  apiUrl: string;
  token?: string;
}

export interface GithubResult {
  tag: string;
  releaseUrl: string;
  latestUrl: string;
  latestServesThisList: boolean | undefined;
}

interface Release {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
}

interface Asset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest?: string | null;
}

const CONTENT_TYPES: Record<ListFile["kind"], string> = { list: "application/json", bundle: "application/json", hepix: "application/json", report: "application/octet-stream" };

function contentType(f: ListFile): string {
  if (f.kind !== "report") return CONTENT_TYPES[f.kind];
  if (f.name.endsWith(".json") || f.name.endsWith(".sarif")) return "application/json";
  if (f.name.endsWith(".md")) return "text/markdown";
  if (f.name.endsWith(".html")) return "text/html";
  return "application/octet-stream";
}

export function serialOfTag(tag: string): number | undefined {
  const m = new RegExp(`^${TAG_PREFIX}(\\d+)$`).exec(tag);
  return m ? Number(m[1]) : undefined;
}

export function releaseBody(set: ListSet): string {
  const l = set.list;
  const lines = [
    `Signed image list, serial ${l.serial}: issued ${l.issued}, expires ${l.expires}.`,
    "",
    "| VO | endorsed images |",
    "|---|---|",
    ...Object.entries(l.vos).map(([vo, { images }]) => `| ${vo} | ${images.map((i) => `${i.appliance} ${i.version}`).join(", ") || "none"} |`),
    "",
    `Revoked: ${l.revoked.map((r) => `${r.appliance}@${r.version}`).join(", ") || "none"}.`,
    "",
    "Sites: verify `imagelist.json` with its bundle `imagelist.json.sigstore.json` (`vmendorse verify`) before use.",
  ];
  return lines.join("\n");
}

export async function publishListToGithub(set: ListSet, target: GithubTarget, opts: GithubOptions, ctx: PublishContext): Promise<GithubResult> {
  const where = describeTarget(target);
  const { owner, repo } = target;
  const octokit = new Octokit({ baseUrl: opts.apiUrl, ...(opts.token ? { auth: opts.token } : {}), userAgent: "vmendorse-publish", request: { retries: 0 }, log: QUIET });
  const tag = `${TAG_PREFIX}${set.serial}`;

  const releases = (await retrying(ctx, "list releases", () => octokit.paginate(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 }))) as Release[];
  const newest = Math.max(-1, ...releases.filter((r) => !r.draft).map((r) => serialOfTag(r.tag_name) ?? -1));
  if (newest > set.serial) throw new RefusedError(`${where} already published list serial ${newest}, newer than this list's ${set.serial}; refusing to roll back`, "publish.rollback");

  const published = releases.find((r) => !r.draft && r.tag_name === tag);
  const assetsOf = async (id: number) => (await retrying(ctx, "list assets", () => octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: id, per_page: 100 }))) as Asset[];
  const download = async (a: Asset): Promise<Buffer> => {
    const r = await retrying(ctx, `download ${a.name}`, () => octokit.rest.repos.getReleaseAsset({ owner, repo, asset_id: a.id, headers: { accept: "application/octet-stream" } }));
    return Buffer.from(r.data as unknown as ArrayBuffer);
  };
  const matches = async (a: Asset, f: ListFile) => {
    if (a.state !== "uploaded" || a.size !== f.size) return false;
    if (a.digest && a.digest !== `sha256:${f.sha256}`) return false;
    return createHash("sha256").update(await download(a)).digest("hex") === f.sha256;
  };

  if (published) {
    // Already out: fine if it is exactly this list; a published release is never edited.
    const assets = await assetsOf(published.id);
    for (const f of set.files) {
      const a = assets.find((x) => x.name === f.name);
      if (!a || !(await matches(a, f))) throw new RefusedError(`${where}: release ${tag} is published already with ${a ? "another" : "no"} ${f.name}; compose again for a new serial`, "publish.serial");
    }
    record(ctx, { target: where, item: `release ${tag}`, action: "present", detail: `${set.files.length} assets checked` });
    return finish(published, true);
  }

  // The draft: reuse one from an interrupted run, drop duplicates, or create it.
  const drafts = releases.filter((r) => r.draft && r.tag_name === tag).sort((a, b) => a.id - b.id);
  let draft = drafts[0];
  for (const extra of drafts.slice(1)) {
    await retrying(ctx, `delete duplicate draft ${extra.id}`, () => octokit.rest.repos.deleteRelease({ owner, repo, release_id: extra.id }));
    record(ctx, { target: where, item: `draft release ${extra.id}`, action: "removed", detail: "duplicate from an interrupted run" });
  }
  if (!draft) {
    const created = await retrying(ctx, `create draft ${tag}`, () =>
      octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name: `Image list ${set.serial}`, body: releaseBody(set), draft: true, ...(set.list.source.commit ? { target_commitish: set.list.source.commit } : {}) }),
    );
    draft = created.data as Release;
    record(ctx, { target: where, item: `draft release ${tag}`, action: "uploaded" });
  } else {
    record(ctx, { target: where, item: `draft release ${tag}`, action: "present", detail: "left by an interrupted run; reused" });
  }
  const draftId = draft.id;

  // Assets: keep identical ones, replace others, upload the missing; read each back.
  let assets = await assetsOf(draftId);
  for (const f of set.files) {
    const existing = assets.find((a) => a.name === f.name);
    if (existing && (await matches(existing, f))) {
      record(ctx, { target: where, item: f.name, action: "present" });
      continue;
    }
    const uploaded = await retrying(ctx, `upload ${f.name}`, async () => {
      // A failed attempt may leave a partial asset with this name; GitHub refuses a second one (422).
      for (const a of await assetsOf(draftId)) if (a.name === f.name) await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: a.id });
      const r = await octokit.request({ method: "POST", url: draft!.upload_url, name: f.name, data: f.bytes, headers: { "content-type": contentType(f), "content-length": f.size } });
      return r.data as Asset;
    });
    const back = createHash("sha256").update(await download(uploaded)).digest("hex");
    if (back !== f.sha256) throw new RefusedError(`${where}: asset ${f.name} read back with SHA-256 ${back.slice(0, 16)}…, expected ${f.sha256.slice(0, 16)}…`, "publish.readback");
    record(ctx, { target: where, item: f.name, action: "uploaded", detail: `${f.size} bytes, read back` });
  }

  // Exactly our assets, each verified, before the draft goes public.
  assets = await assetsOf(draftId);
  for (const a of assets.filter((a) => !set.files.some((f) => f.name === a.name))) {
    await retrying(ctx, `delete stray asset ${a.name}`, () => octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: a.id }));
    record(ctx, { target: where, item: a.name, action: "removed", detail: "not part of this list" });
  }
  for (const f of set.files) {
    const a = assets.find((x) => x.name === f.name);
    if (!a || a.state !== "uploaded" || a.size !== f.size || (a.digest && a.digest !== `sha256:${f.sha256}`)) throw new RefusedError(`${where}: draft ${tag} lacks a complete ${f.name}; not published`, "publish.incomplete");
  }
  const done = await retrying(ctx, `publish release ${tag}`, () => octokit.rest.repos.updateRelease({ owner, repo, release_id: draftId, draft: false, make_latest: "true" }));
  record(ctx, { target: where, item: `release ${tag}`, action: "published", detail: "marked latest" });
  return finish(done.data as Release, false);

  async function finish(rel: Release, already: boolean): Promise<GithubResult> {
    const latestUrl = rel.html_url.replace(/\/releases\/tag\/[^/]+$/, `/releases/latest/download/${LIST_NAME}`);
    let latestServesThisList: boolean | undefined;
    try {
      const r = await fetch(latestUrl, { redirect: "follow" });
      const body = Buffer.from(await r.arrayBuffer());
      latestServesThisList = r.ok ? body.equals(set.files.find((f) => f.kind === "list")!.bytes) : undefined;
    } catch {
      latestServesThisList = undefined;
    }
    const detail = latestServesThisList === true ? "serves this list" : latestServesThisList === false ? "serves ANOTHER list (a newer release may be marked latest)" : "could not be fetched";
    record(ctx, { target: where, item: latestUrl, action: latestServesThisList === true ? "present" : "skipped", detail: `stable URL ${detail}${already ? "" : ""}` });
    return { tag, releaseUrl: rel.html_url, latestUrl, latestServesThisList };
  }
}

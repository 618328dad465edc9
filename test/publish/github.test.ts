// The GitHub release publisher (@octokit/rest) against a local stand-in of the GitHub API (the real API
// cannot run here): draft first, assets read back, then published and marked latest; stable URL; failed
// uploads leave only an invisible draft; a rerun completes it without duplicates; no rollback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { composeAndSign } from "./fixtures.js";
import { startGithubStandin, type GithubStandin } from "./github-standin.js";
import { publish, type PublishOptions } from "../../src/publish/index.js";
import { RefusedError } from "../../src/util/diagnostic.js";

let gh: GithubStandin;
let root: string;
let list1: string;
let list2: string;
let serial1: number;
let serial2: number;
let list3: string;
let serial3: number;

beforeAll(async () => {
  gh = await startGithubStandin();
  root = copyRepo();
  commitAll(root, "data", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
  list1 = join(root, "out1");
  list2 = join(root, "out2");
  ({ serial: serial1 } = await composeAndSign(root, list1, Date.parse("2026-11-23T12:00:00Z")));
  ({ serial: serial2 } = await composeAndSign(root, list2, Date.parse("2026-11-24T12:00:00Z"), join(list1, "imagelist.json")));
  list3 = join(root, "out3");
  ({ serial: serial3 } = await composeAndSign(root, list3, Date.parse("2026-11-25T12:00:00Z"), join(list2, "imagelist.json")));
});
afterAll(async () => {
  await gh?.close();
});
beforeEach(() => {
  gh.requests.length = 0;
});

function opts(listDir: string, extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    root,
    releases: [],
    artifactDirs: [],
    listDir,
    targets: [{ kind: "github", owner: gh.owner, repo: gh.repo }],
    github: { apiUrl: gh.url, token: gh.token },
    retry: { attempts: 3, baseMs: 10, maxMs: 50 },
    env: {},
    progress: () => {},
    ...extra,
  };
}
const latest = async (name = "imagelist.json") => {
  const r = await fetch(`${gh.url}/${gh.owner}/${gh.repo}/releases/latest/download/${name}`);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()) };
};

describe("GitHub release publisher (stand-in API)", () => {
  it("without a token the API refuses and nothing is created", async () => {
    await expect(publish(opts(list1, { github: { apiUrl: gh.url } }))).rejects.toThrow(/Bad credentials/);
    expect(gh.releases).toEqual([]);
  });

  it("publishes list, bundle and HEPiX lists as assets of a release marked latest; the stable URL serves the list", async () => {
    const r = await publish(opts(list1));
    expect(gh.releases).toHaveLength(1);
    const rel = gh.releases[0]!;
    expect(rel).toMatchObject({ tag_name: `imagelist-${serial1}`, draft: false });
    expect(rel.body).toContain(`serial ${serial1}`);
    expect(rel.assets.map((a) => a.name).sort()).toEqual(["biomed.imagelist.json", "fedcloud.egi.eu.imagelist.json", "imagelist.json", "imagelist.json.sigstore.json", "vo.elixir-europe.org.imagelist.json"]);
    expect(rel.assets.every((a) => a.state === "uploaded")).toBe(true);
    // Published only after every asset was uploaded: the PATCH comes after the last upload.
    const lastUpload = gh.requests.map((x) => x.startsWith("POST /uploads/")).lastIndexOf(true);
    expect(gh.requests.findIndex((x) => x.startsWith("PATCH "))).toBeGreaterThan(lastUpload);
    expect(r.github).toMatchObject({ tag: `imagelist-${serial1}`, latestServesThisList: true });
    expect((await latest()).bytes.equals(readFileSync(join(list1, "imagelist.json")))).toBe(true);
    expect(gh.unexpected).toEqual([]);
  });

  it("a rerun finds the published release identical and changes nothing", async () => {
    const r = await publish(opts(list1));
    expect(gh.requests.filter((x) => !x.startsWith("GET "))).toEqual([]);
    expect(r.outcomes.find((o) => o.item === `release imagelist-${serial1}`)?.action).toBe("present");
  });

  it("an upload that keeps failing leaves only a draft (latest still serves the old list); a rerun completes it without duplicates", async () => {
    gh.faults.push({ method: "POST", path: /\/assets$/, fault: "cut", times: 1 }); // first asset cut halfway, then retried
    gh.faults.push({ method: "POST", path: /\/assets$/, fault: 500, times: 99 }); // then the upload service is down
    const e = await publish(opts(list2)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/gave up after 3 attempts/);
    gh.faults.length = 0;
    const drafts = gh.releases.filter((r) => r.tag_name === `imagelist-${serial2}`);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.draft).toBe(true);
    // Sites still get the previous list; nothing of serial 2 is visible.
    expect((await latest()).bytes.equals(readFileSync(join(list1, "imagelist.json")))).toBe(true);
    expect((await fetch(`${gh.url}/repos/${gh.owner}/${gh.repo}/releases/tags/imagelist-${serial2}`, { headers: { authorization: `token ${gh.token}` } })).status).toBe(404);

    const r = await publish(opts(list2));
    const rel = gh.releases.filter((x) => x.tag_name === `imagelist-${serial2}`);
    expect(rel).toHaveLength(1);
    expect(rel[0]!.draft).toBe(false);
    const names = rel[0]!.assets.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(5);
    expect(r.outcomes.some((o) => o.item === `draft release imagelist-${serial2}` && o.action === "present")).toBe(true);
    expect((await latest()).bytes.equals(readFileSync(join(list2, "imagelist.json")))).toBe(true);
  });

  it("removes duplicate drafts an interrupted run left and replaces a wrong asset in the draft it keeps", async () => {
    const api = (method: string, path: string, body?: unknown, type = "application/json") =>
      fetch(`${gh.url}${path}`, { method, headers: { authorization: `token ${gh.token}`, "content-type": type }, ...(body !== undefined ? { body: body as string } : {}) });
    // Two drafts for the same tag (a crash between creating a draft and recording it, twice); the first
    // already holds an imagelist.json with other bytes.
    for (let i = 0; i < 2; i++) await api("POST", `/repos/${gh.owner}/${gh.repo}/releases`, JSON.stringify({ tag_name: `imagelist-${serial3}`, draft: true }));
    const first = gh.releases.find((r) => r.tag_name === `imagelist-${serial3}`)!;
    await api("POST", `/uploads/repos/${gh.owner}/${gh.repo}/releases/${first.id}/assets?name=imagelist.json`, "{\"stale\": true}");
    const r = await publish(opts(list3));
    const rel = gh.releases.filter((x) => x.tag_name === `imagelist-${serial3}`);
    expect(rel).toHaveLength(1);
    expect(rel[0]!.id).toBe(first.id);
    expect(rel[0]!.draft).toBe(false);
    expect(rel[0]!.assets.find((a) => a.name === "imagelist.json")!.bytes.equals(readFileSync(join(list3, "imagelist.json")))).toBe(true);
    expect(rel[0]!.assets).toHaveLength(5);
    expect(r.outcomes.filter((o) => o.action === "removed").map((o) => o.item)).toEqual([`draft release ${first.id + 1}`]);
  });

  it("refuses to roll back to an older serial", async () => {
    const older = await publish(opts(list1)).catch((x: unknown) => x);
    expect(older).toBeInstanceOf(RefusedError);
    expect((older as Error).message).toMatch(new RegExp(`already published list serial ${serial3}, newer than this list's ${serial1}`));
    expect(gh.requests.filter((x) => !x.startsWith("GET "))).toEqual([]);
  });
});

// The GitHub and GitLab glue of `vmendorse authorize`, against local stand-ins of their REST APIs
// (neither service can run here): the requests made, pagination, and the decision on the answers.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { fetchPullRequest } from "../../src/authorize/github.js";
import { fetchMergeRequest } from "../../src/authorize/gitlab.js";
import { paged, startStandIn, type StandIn } from "../helpers/api-stand-in.js";
import { runNode } from "../helpers/spawn.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const BIN = join(PROJECT, "bin", "vmendorse.js");
const HEAD = "a".repeat(40);
const TOKEN = "test-token-123";

/** 120 changed files (two pages), reviews with a stale approval and a current one. */
async function githubStandIn(files: { filename: string; status: string; previous_filename?: string }[], reviews: unknown[]): Promise<StandIn> {
  const s = await startStandIn((h) => h.authorization === `token ${TOKEN}`);
  s.route("GET", "/repos/egi-federation/vmendorse/pulls/42", () => ({ body: { number: 42, user: { login: "enolfc" }, head: { sha: HEAD } } }));
  s.route("GET", "/repos/egi-federation/vmendorse/pulls/42/files", paged(s.url, files));
  s.route("GET", "/repos/egi-federation/vmendorse/pulls/42/reviews", paged(s.url, reviews));
  return s;
}

const docs = Array.from({ length: 119 }, (_, i) => ({ filename: `docs/page-${i}.md`, status: "modified" }));
const endorsement = { filename: "endorsements/fedcloud.egi.eu/egi.debian.12.yaml", status: "modified" };

describe("GitHub API glue (local stand-in server)", () => {
  it("reads author, all pages of files and the approvals of the head commit", async () => {
    const s = await githubStandIn([...docs, endorsement], [
      { user: { login: "gsipos" }, state: "APPROVED", commit_id: "b".repeat(40), submitted_at: "2026-11-20T10:00:00Z" },
      { user: { login: "mborg-elixir" }, state: "APPROVED", commit_id: HEAD, submitted_at: "2026-11-20T11:00:00Z" },
    ]);
    const facts = await fetchPullRequest({ repository: "egi-federation/vmendorse", pull: 42, token: TOKEN, apiUrl: s.url });
    expect(facts.author).toBe("enolfc");
    expect(facts.headSha).toBe(HEAD);
    expect(facts.files).toHaveLength(120);
    expect(facts.files.at(-1)).toEqual({ path: endorsement.filename, status: "modified" });
    // gsipos approved an older commit: only mborg-elixir's approval stands.
    expect(facts.approvers).toEqual(["mborg-elixir"]);
    const fileRequests = s.requests.filter((r) => r.path.endsWith("/files"));
    expect(fileRequests.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2"]);
    expect(fileRequests[0]!.query.get("per_page")).toBe("100");
  });

  it("a wrong token is an error, not an empty request", async () => {
    const s = await githubStandIn([endorsement], []);
    await expect(fetchPullRequest({ repository: "egi-federation/vmendorse", pull: 42, token: "wrong", apiUrl: s.url })).rejects.toThrow(/Bad credentials/);
  });

  it("`vmendorse authorize --github` decides on the API's answers (exit 1 until the right person approves)", async () => {
    const reviews: unknown[] = [{ user: { login: "mborg-elixir" }, state: "APPROVED", commit_id: HEAD, submitted_at: "2026-11-20T11:00:00Z" }];
    const s = await githubStandIn([endorsement, { filename: "images/egi.debian.12/releases/20261117.yaml", status: "renamed", previous_filename: "images/egi.debian.12/releases/20261116.yaml" }], reviews);
    const out = mkdtempSync(join(tmpdir(), "vmendorse-authz-"));
    const env = { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: s.url };
    const args = [BIN, "authorize", "--github", "egi-federation/vmendorse", "--pr", "42", "--root", PROJECT, "--head", PROJECT, "--now", "2026-11-23T12:00:00Z", "--markdown", join(out, "authz.md")];
    const no = await runNode(args, { env });
    expect(no.code).toBe(1);
    expect(no.stdout).toContain("NOT authorized: author enolfc, approvals mborg-elixir");
    expect(no.stdout).toContain("MISS an endorser of VO fedcloud.egi.eu other than the author: 1 file(s); can approve: @gsipos");
    expect(no.stdout).toContain("MISS a maintainer of egi.debian.12 other than the author");
    expect(no.stderr).toContain("refused: the request lacks the approvals listed above");
    expect(readFileSync(join(out, "authz.md"), "utf8")).toContain("❌ not authorized yet");

    reviews.push({ user: { login: "gsipos" }, state: "APPROVED", commit_id: HEAD, submitted_at: "2026-11-21T09:00:00Z" });
    reviews.push({ user: { login: "egi-cloud-images" }, state: "APPROVED", commit_id: HEAD, submitted_at: "2026-11-21T09:30:00Z" });
    const yes = await runNode([...args, "--json"], { env });
    expect(yes.code).toBe(0);
    const d = JSON.parse(yes.stdout);
    expect(d.authorized).toBe(true);
    expect(d.approvers).toEqual(["egi-cloud-images", "gsipos", "mborg-elixir"]);
  });

  it("refuses an endorsement whose named endorser did not take part (read from the head checkout)", async () => {
    const head = mkdtempSync(join(tmpdir(), "vmendorse-head-"));
    mkdirSync(join(head, "endorsements", "fedcloud.egi.eu"), { recursive: true });
    const text = readFileSync(join(PROJECT, endorsement.filename), "utf8").replace(/^endorser: .*$/m, "endorser: gsipos");
    writeFileSync(join(head, endorsement.filename), text);
    const s = await githubStandIn([endorsement], [{ user: { login: "jlindvall" }, state: "APPROVED", commit_id: HEAD, submitted_at: "2026-11-20T11:00:00Z" }]);
    const r = await runNode([BIN, "authorize", "--github", "egi-federation/vmendorse", "--pr", "42", "--root", PROJECT, "--head", head, "--now", "2026-11-23T12:00:00Z", "--json"], {
      env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: s.url },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems).toEqual([`${endorsement.filename} names endorser "gsipos" (@gsipos), who neither opened nor approved this request`]);
  });
});

describe("GitLab API glue (local stand-in server)", () => {
  it("reads author, paged diffs and approvals; the CLI decides on them", async () => {
    const s = await startStandIn((h) => h["private-token"] === TOKEN);
    const base = "/api/v4/projects/egi%2Fvmendorse/merge_requests/7";
    s.route("GET", base, () => ({ body: { iid: 7, author: { username: "sgabriel-csirt" }, sha: HEAD } }));
    const diffs = [
      { old_path: "revocations/egi.debian.12@20261103.yaml", new_path: "revocations/egi.debian.12@20261103.yaml", new_file: true, renamed_file: false, deleted_file: false },
      { old_path: "revocations/egi.almalinux.9@20261104.yaml", new_path: "revocations/egi.almalinux.9@20261104.yaml", new_file: false, renamed_file: false, deleted_file: true },
    ];
    s.route("GET", `${base}/diffs`, (r) => {
      const page = Number(r.query.get("page"));
      const headers: Record<string, string> = page < diffs.length ? { "x-next-page": String(page + 1) } : {};
      return { body: [diffs[page - 1]], headers };
    });
    const approvals = { approved_by: [] as { user: { username: string } }[] };
    s.route("GET", `${base}/approvals`, () => ({ body: approvals }));

    const facts = await fetchMergeRequest({ project: "egi/vmendorse", mr: 7, token: TOKEN, apiUrl: `${s.url}/api/v4` });
    expect(facts.files).toEqual([
      { path: "revocations/egi.debian.12@20261103.yaml", status: "added" },
      { path: "revocations/egi.almalinux.9@20261104.yaml", status: "removed" },
    ]);
    const env = { ...process.env, GITLAB_TOKEN: TOKEN, CI_API_V4_URL: `${s.url}/api/v4` };
    const args = [BIN, "authorize", "--gitlab", "egi/vmendorse", "--mr", "7", "--root", PROJECT, "--now", "2026-11-23T12:00:00Z"];
    // A new ban by a CSIRT member alone is fine; lifting the other ban needs a second CSIRT member.
    const no = await runNode(args, { env });
    expect(no.code).toBe(1);
    expect(no.stdout).toContain("ok   a CSIRT member (author or approver)");
    expect(no.stdout).toContain("MISS a CSIRT member other than the author");
    approvals.approved_by.push({ user: { username: "dkouril-csirt" } });
    const yes = await runNode(args, { env });
    expect(yes.stdout).toContain("authorized: author sgabriel-csirt, approvals dkouril-csirt");
    expect(yes.code).toBe(0);
  });
});

// Every action's bundle run as the runner runs it, against the example data.
import { describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { paged, startStandIn } from "../helpers/api-stand-in.js";
import { loadOrCreateKey } from "../../src/sign/local-key.js";
import type { ImageList } from "../../src/model/types.js";
import { PROJECT, runAction } from "./run-action.js";

const NOW = "2026-11-23T12:00:00Z";
const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };
const TOKEN = "ghs_test_token";

function committedCopy(): string {
  const root = copyRepo();
  mkdirSync(join(root, ".github"), { recursive: true });
  cpSync(join(PROJECT, ".github", "CODEOWNERS"), join(root, ".github", "CODEOWNERS"));
  commitAll(root, "initial data", ADMIN, "2026-11-21T12:00:00Z");
  return root;
}

describe("actions (bundles run with INPUT_* variables)", () => {
  it("every action folder has action.yml (node20, dist/index.js) and a committed bundle", () => {
    for (const name of ["validate", "compose", "codeowners", "authorize", "expiry", "sign", "verify", "pr-comment", "rebuild-plan"]) {
      const yml = readFileSync(join(PROJECT, "actions", name, "action.yml"), "utf8");
      expect(yml, name).toMatch(/runs:\n  using: node20\n  main: dist\/index\.js/);
      expect(existsSync(join(PROJECT, "actions", name, "dist", "index.js")), name).toBe(true);
    }
  });

  it("validate: valid repository -> outputs and summary; a broken one -> annotations and failure", async () => {
    const ok = await runAction("validate", { root: ".", now: NOW });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.outputs).toEqual({ valid: "true", problems: "0" });
    expect(ok.summary).toContain("### Validation: ✅ valid");

    const root = copyRepo();
    const file = join(root, "endorsements", "biomed", "egi.debian.12.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^endorser: .*$/m, "endorser: mallory"));
    const report = join(root, "validate.md");
    const bad = await runAction("validate", { root, now: NOW, report }, { workspace: root });
    expect(bad.code).toBe(1);
    expect(bad.outputs.valid).toBe("false");
    const line = readFileSync(file, "utf8").split("\n").findIndex((l) => l.startsWith("endorser:")) + 1;
    expect(bad.stdout).toContain(`::error title=vmendorse%3A endorsement.endorser-unknown,file=endorsements/biomed/egi.debian.12.yaml,line=${line},col=11::/endorser: "mallory" is not an endorser appointed in VO biomed`);
    expect(bad.stdout).toContain("::error::validate: 1 problem(s); see the annotations");
    expect(readFileSync(report, "utf8")).toContain("### Validation: ❌ 1 problem(s)");
  });

  it("codeowners: in sync on this repository; drift fails with an annotation on the line; check=false writes", async () => {
    const ok = await runAction("codeowners", { root: "." });
    expect(ok.code).toBe(0);
    expect(ok.outputs["in-sync"]).toBe("true");

    const root = committedCopy();
    const vo = join(root, "endorsements", "fedcloud.egi.eu", "vo.yaml");
    writeFileSync(vo, readFileSync(vo, "utf8").replace("github: gsipos", "github: gsipos-egi"));
    const drift = await runAction("codeowners", { root }, { workspace: root });
    expect(drift.code).toBe(1);
    expect(drift.outputs["in-sync"]).toBe("false");
    expect(drift.stdout).toMatch(/::error title=vmendorse%3A codeowners.drift,file=.github\/CODEOWNERS,line=\d+::out of sync: line \d+: expected "\/endorsements\/fedcloud.egi.eu\/ @enolfc @gsipos-egi"/);
    expect(drift.summary).toContain("### CODEOWNERS: ❌ out of sync");
    const write = await runAction("codeowners", { root, check: "false" }, { workspace: root });
    expect(write.code).toBe(0);
    expect(readFileSync(join(root, ".github", "CODEOWNERS"), "utf8")).toContain("/endorsements/fedcloud.egi.eu/ @enolfc @gsipos-egi");
  });

  it("compose: writes the list, outputs serial and paths, summarises per VO", async () => {
    const root = committedCopy();
    const r = await runAction("compose", { root, out: "out", now: NOW }, { workspace: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.outputs.list).toBe(join(root, "out", "imagelist.json"));
    const list = JSON.parse(readFileSync(r.outputs.list!, "utf8")) as ImageList;
    expect(r.outputs.serial).toBe(String(list.serial));
    expect(r.outputs.expires).toBe(list.expires);
    const files = JSON.parse(r.outputs.files!) as string[];
    expect(files.at(-1)).toBe(r.outputs.list);
    expect(files.filter((f) => f.startsWith(join(root, "out", "hepix") + "/"))).toHaveLength(Object.keys(list.vos).length);
    for (const [vo, { images }] of Object.entries(list.vos)) {
      for (const i of images) expect(r.summary).toContain(`| ${vo} | ${i.appliance} | ${i.version} | ${i.endorser.id} | ${i.expires_at} |`);
    }
    expect(r.summary).toContain("Revoked: egi.almalinux.9@20261104");
  });

  it("expiry: counts, and opens one issue per endorsement only once (local stand-in of the GitHub API)", async () => {
    const root = committedCopy();
    const s = await startStandIn((h) => h.authorization === `token ${TOKEN}`);
    const issues: { number: number; title: string; body: string; labels: string[] }[] = [];
    s.route("GET", "/repos/egi-federation/vmendorse/issues", (req) => paged(s.url, issues.filter(() => req.query.get("labels") === "endorsement-expiry" && req.query.get("state") === "open"))(req));
    s.route("POST", "/repos/egi-federation/vmendorse/issues", (req) => {
      const b = req.body as { title: string; body: string; labels: string[] };
      const issue = { number: issues.length + 1, ...b };
      issues.push(issue);
      return { status: 201, body: issue };
    });
    const inputs = { root, now: "2027-01-10T12:00:00Z", "open-issues": "true", repository: "egi-federation/vmendorse", token: TOKEN, "api-url": s.url };
    const first = await runAction("expiry", inputs, { workspace: root });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ expired: "0", expiring: "1", "issues-created": "1" });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe("Endorsement of egi.debian.12 20261117 for biomed expires 2027-01-20");
    expect(issues[0]!.labels).toEqual(["endorsement-expiry"]);
    expect(issues[0]!.body).toContain("@spop-biomed");
    expect(issues[0]!.body).toContain("npx vmendorse endorse egi.debian.12 20261117 --vo biomed");
    expect(first.summary).toContain("| ⚠️ expiring | biomed | egi.debian.12 20261117 | 2027-01-20T12:00:00Z | @spop-biomed | #1 |");

    const again = await runAction("expiry", inputs, { workspace: root });
    expect(again.outputs["issues-created"]).toBe("0");
    expect(issues).toHaveLength(1);
    expect(s.requests.filter((q) => q.method === "POST")).toHaveLength(1);
  });

  it("authorize: reads the event's pull request from the API and decides; fails until approved", async () => {
    const head = "c".repeat(40);
    const s = await startStandIn((h) => h.authorization === `token ${TOKEN}`);
    const reviews: unknown[] = [];
    s.route("GET", "/repos/egi-federation/vmendorse/pulls/5", () => ({ body: { number: 5, user: { login: "sgabriel-csirt" }, head: { sha: head } } }));
    s.route("GET", "/repos/egi-federation/vmendorse/pulls/5/files", paged(s.url, [{ filename: "endorsements/biomed/vo.yaml", status: "modified" }]));
    s.route("GET", "/repos/egi-federation/vmendorse/pulls/5/reviews", paged(s.url, reviews));
    const inputs = { root: ".", repository: "egi-federation/vmendorse", token: TOKEN, "api-url": s.url, now: NOW };
    const event = { pull_request: { number: 5 } };
    const no = await runAction("authorize", inputs, { event });
    expect(no.code).toBe(1);
    expect(no.outputs.authorized).toBe("false");
    expect(no.summary).toContain("| ❌ | a CSIRT member other than the author |");
    expect(no.stdout).toContain("::error::authorize: pull request #5 lacks approvals");
    expect(readFileSync(no.outputs.report!, "utf8").trim()).toBe(no.summary.trim());
    // The token is masked in the log.
    expect(no.stdout).toContain(`::add-mask::${TOKEN}`);

    reviews.push({ user: { login: "dkouril-csirt" }, state: "APPROVED", commit_id: head, submitted_at: "2026-11-22T10:00:00Z" });
    const yes = await runAction("authorize", inputs, { event });
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.outputs.decision!)).toMatchObject({ authorized: true, approvers: ["dkouril-csirt"] });
    // Without an event or pr-number the action says what is missing.
    const none = await runAction("authorize", inputs);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("no pull request: set pr-number or run on a pull_request event");
  });

  it("sign and verify: a local key signs the composed list; verify checks it and pins the key", async () => {
    const root = committedCopy();
    const composed = await runAction("compose", { root, out: "out", now: NOW }, { workspace: root });
    expect(composed.code).toBe(0);
    const keyDir = mkdtempSync(join(tmpdir(), "vmendorse-key-"));
    const key = loadOrCreateKey(join(keyDir, "signing.key"), true);
    const signed = await runAction("sign", { file: "out/imagelist.json", key: key.file }, { workspace: root });
    expect(signed.stderr).toBe("");
    expect(signed.code).toBe(0);
    expect(signed.outputs).toMatchObject({ mode: "key", bundle: join(root, "out", "imagelist.json.sigstore.json") });

    const state = join(root, "state.json");
    const verified = await runAction("verify", { list: "out/imagelist.json", key: `${key.file}.pub`, state, now: NOW }, { workspace: root });
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.outputs.serial).toBe(composed.outputs.serial);
    const list = JSON.parse(readFileSync(join(root, "out", "imagelist.json"), "utf8")) as ImageList;
    expect(verified.outputs.images).toBe(String(Object.values(list.vos).reduce((n, v) => n + v.images.length, 0)));
    expect(verified.summary).toContain(`### Verified: ✅ serial ${list.serial}`);

    // A list changed after signing is refused.
    writeFileSync(join(root, "out", "imagelist.json"), readFileSync(join(root, "out", "imagelist.json"), "utf8").replace('"biomed"', '"biomed2"'));
    const tampered = await runAction("verify", { list: "out/imagelist.json", key: `${key.file}.pub`, now: NOW }, { workspace: root });
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/::error::verify: /);
  });

  it("sign without a key and without an OIDC token says how to get one", async () => {
    const r = await runAction("sign", { file: "vmendorse.yaml" });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("give the job `permissions: id-token: write`, or a key");
  });

  it("pr-comment: posts once, then updates in place; refuses a report about another commit", async () => {
    const head = "d".repeat(40);
    const s = await startStandIn((h) => h.authorization === `token ${TOKEN}`);
    const comments: { id: number; body: string; user: { login: string }; html_url: string }[] = [
      { id: 1, body: "<!-- vmendorse:pr-report -->\nlooks like ours but is someone else's", user: { login: "mallory" }, html_url: "x" },
    ];
    s.route("GET", "/repos/egi-federation/vmendorse/pulls/9", () => ({ body: { number: 9, head: { sha: head } } }));
    s.route("GET", "/repos/egi-federation/vmendorse/issues/9/comments", paged(s.url, comments));
    s.route("POST", "/repos/egi-federation/vmendorse/issues/9/comments", (req) => {
      const c = { id: comments.length + 1, body: (req.body as { body: string }).body, user: { login: "github-actions[bot]" }, html_url: `${s.url}/c/${comments.length + 1}` };
      comments.push(c);
      return { status: 201, body: c };
    });
    s.route("PATCH", /^\/repos\/egi-federation\/vmendorse\/issues\/comments\/\d+$/, (req) => {
      const c = comments.find((x) => `/repos/egi-federation/vmendorse/issues/comments/${x.id}` === req.path)!;
      c.body = (req.body as { body: string }).body;
      return { body: c };
    });
    const dir = mkdtempSync(join(tmpdir(), "vmendorse-report-"));
    writeFileSync(join(dir, "report.md"), "### Report one\n");
    const inputs = { marker: "pr-report", "body-file": join(dir, "report.md"), "pr-number": "9", "head-sha": head, repository: "egi-federation/vmendorse", token: TOKEN, "api-url": s.url };
    const first = await runAction("pr-comment", inputs);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toBe("<!-- vmendorse:pr-report -->\n### Report one\n");
    writeFileSync(join(dir, "report.md"), "### Report two\n");
    const second = await runAction("pr-comment", inputs);
    expect(second.code).toBe(0);
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toContain("### Report two");
    expect(comments[0]!.body).toContain("someone else's");

    const posts = s.requests.filter((q) => q.method !== "GET").length;
    const stale = await runAction("pr-comment", { ...inputs, "head-sha": "e".repeat(40) });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`refused: pull request #9 is at ${head}`);
    const bogus = await runAction("pr-comment", { ...inputs, "pr-number": "9; rm -rf /" });
    expect(bogus.code).toBe(1);
    expect(s.requests.filter((q) => q.method !== "GET").length).toBe(posts);
  });

  it("rebuild-plan: a matrix of what to rebuild; a verdict on a fresh build", async () => {
    const plan = await runAction("rebuild-plan", { root: ".", now: "2026-12-05T04:00:00Z" });
    expect(plan.code).toBe(0);
    const matrix = JSON.parse(plan.outputs.matrix!) as { include: { appliance: string; reason: string }[] };
    expect(plan.outputs.count).toBe(String(matrix.include.length));
    expect(matrix.include.find((i) => i.appliance === "egi.almalinux.9")?.reason).toBe("age");
    const verdict = await runAction("rebuild-plan", { root: ".", now: "2026-12-05T04:00:00Z", built: "egi.almalinux.9@20261104" });
    expect(verdict.code).toBe(0);
    expect(verdict.outputs).toEqual({ propose: "true", why: "the newest build (20261005) is 61 days old, the limit is 31" });
  });
});

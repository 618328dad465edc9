import { describe, expect, it, beforeAll } from "vitest";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { expiryReport } from "../../src/expiry/index.js";
import { composeRepository } from "../../src/compose/index.js";
import { validateRepository } from "../../src/validate/index.js";
import { readHistory } from "../../src/git/history.js";
import { DAY_MS } from "../../src/util/time.js";
import { startStandIn } from "../helpers/api-stand-in.js";
import { runNode } from "../helpers/spawn.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "vmendorse.js");

const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };
const BASE = "2026-11-21T12:00:00Z";
const T0 = Date.parse(BASE);

function report(root: string, now: number) {
  const v = validateRepository(root, now);
  expect(v.diagnostics).toEqual([]);
  return expiryReport(v.repo, readHistory(root, "endorsements"), now);
}

describe("expiry", () => {
  let root: string;
  beforeAll(() => {
    root = copyRepo();
    commitAll(root, "initial data", ADMIN, BASE);
  });

  it("nothing to warn about right after endorsing", () => {
    expect(report(root, T0 + DAY_MS)).toEqual([]);
  });

  it("warns within the VO's warn_days and names who can renew", () => {
    // biomed: 60-day default lifetime, 14 warning days; egi.debian.12 has no lifetime_days of its own.
    const now = T0 + 50 * DAY_MS;
    const r = report(root, now);
    expect(r.map((e) => `${e.vo} ${e.appliance}`)).toEqual(["biomed egi.debian.12"]);
    expect(r[0]).toMatchObject({
      status: "expiring",
      expires_at: "2027-01-20T12:00:00Z",
      days_left: 10,
      warn_days: 14,
      endorser: { id: "spop", github: "spop-biomed" },
      can_renew: ["spop-biomed"],
      file: "endorsements/biomed/egi.debian.12.yaml",
    });
    // 46 days: just outside the 14-day window.
    expect(report(root, T0 + 45 * DAY_MS)).toEqual([]);
  });

  it("reports what compose leaves out as expired, and nothing revoked", () => {
    const now = T0 + 100 * DAY_MS;
    const r = report(root, now);
    const expired = r.filter((e) => e.status === "expired").map((e) => `${e.vo} ${e.appliance} ${e.version}`).sort();
    const composed = composeRepository({ root, outDir: join(root, "out-expiry"), now });
    const leftOut = composed.skipped.filter((s) => s.reason.startsWith("endorsement expired")).map((s) => `${s.vo} ${s.appliance} ${s.version}`).sort();
    expect(expired.length).toBeGreaterThan(0);
    expect(expired).toEqual(leftOut);
    // egi.almalinux.9@20261104 is revoked: renewing it makes no sense, so no warning.
    expect(r.some((e) => e.appliance === "egi.almalinux.9" && e.version === "20261104")).toBe(false);
    const biomed = r.find((e) => e.vo === "biomed" && e.appliance === "egi.debian.12")!;
    expect(biomed).toMatchObject({ status: "expired", days_left: -40 });
  });

  it("a renewal (a new commit of the file) moves the expiry", () => {
    const copy = copyRepo();
    commitAll(copy, "initial data", ADMIN, BASE);
    const file = join(copy, "endorsements", "biomed", "egi.debian.12.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^endorsed_at: .*$/m, "endorsed_at: 2027-01-15T09:00:00Z"));
    commitAll(copy, "renew", { name: "Sorina Pop", email: "sorina.pop@biomed.example.org" }, "2027-01-15T10:00:00Z");
    const after = Date.parse("2027-01-25T00:00:00Z");
    expect(report(root, after).map((e) => `${e.vo} ${e.appliance} ${e.status}`)).toEqual(["biomed egi.debian.12 expired"]);
    expect(report(copy, after)).toEqual([]);
  });

  it("CLI: text and --json", () => {
    const now = "2027-01-10T12:00:00Z";
    const text = vmendorse(["expiry", "--root", root, "--now", now]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("biomed  egi.debian.12 20261117  expires 2027-01-20T12:00:00Z (in 10 day(s))  endorser spop @spop-biomed; can renew: @spop-biomed");
    const json = vmendorse(["expiry", "--root", root, "--now", now, "--json"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.now).toBe(now);
    expect(parsed.entries).toHaveLength(1);
    expect(vmendorse(["expiry", "--root", root, "--now", "soon"]).code).toBe(2);
  });

  it("CLI --gitlab-issues opens one issue per endorsement once (local stand-in of the GitLab API)", async () => {
    const s = await startStandIn((h) => h["private-token"] === "glpat-test");
    const issues: { iid: number; title: string; description: string; labels: string }[] = [];
    const base = "/api/v4/projects/egi%2Fvmendorse/issues";
    s.route("GET", base, (r) => ({ body: r.query.get("state") === "opened" && r.query.get("labels") === "endorsement-expiry" ? issues : [] }));
    s.route("POST", base, (r) => {
      const b = r.body as { title: string; description: string; labels: string };
      issues.push({ iid: issues.length + 1, ...b });
      return { status: 201, body: issues.at(-1) };
    });
    const env = { ...process.env, GITLAB_TOKEN: "glpat-test", CI_API_V4_URL: `${s.url}/api/v4` };
    const args = [BIN, "expiry", "--root", root, "--now", "2027-01-25T00:00:00Z", "--gitlab-issues", "egi/vmendorse"];
    const first = await runNode(args, { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("opened: #1 Endorsement of egi.debian.12 20261117 for biomed expires 2027-01-20");
    expect(issues[0]).toMatchObject({ labels: "endorsement-expiry" });
    expect(issues[0]!.description).toContain("expired on 2027-01-20T12:00:00Z");
    const second = await runNode(args, { env });
    expect(second.stderr).toContain("already open: #1");
    expect(issues).toHaveLength(1);
    expect((await runNode([...args, "--github-issues", "a/b"], { env })).code).toBe(2);
  });
});

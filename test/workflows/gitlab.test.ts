// .gitlab-ci.yml: the same pipeline as the GitHub workflows, checked structurally (no GitLab here).
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { COMMANDS } from "../../src/cli/commands/index.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const text = readFileSync(join(PROJECT, ".gitlab-ci.yml"), "utf8");
const ci = parse(text) as Record<string, any>;
const jobs = Object.entries(ci).filter(([k, v]) => !k.startsWith(".") && typeof v === "object" && v !== null && "script" in v) as [string, any][];
/** A job with its `extends` templates merged in (shallow, as GitLab does for these keys). */
const resolved = (job: any): any => ({ ...(job.extends ?? []).reduce((acc: any, t: string) => ({ ...acc, ...resolved(ci[t]) }), {}), ...job });
const scripts = (job: any): string => [...(resolved(job).before_script ?? []), ...job.script].join("\n");

/** Commands other parts of the project provide (build, scan, publish, catalogue) besides those in this tree. */
const PROVIDED_ELSEWHERE = ["build", "scan", "publish", "catalogue"];

describe(".gitlab-ci.yml", () => {
  it("every job runs in a declared stage", () => {
    for (const [name, job] of jobs) expect(ci.stages, name).toContain(job.stage);
  });

  it("merge requests: validate + CODEOWNERS, build+scan on images/ changes, authorization from the target branch", () => {
    const validate = ci.validate.script.join("\n");
    expect(validate).toContain("npx vmendorse validate");
    expect(validate).toContain("npx vmendorse codeowners --check");
    expect(ci["build-scan"].rules[0]).toEqual({ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', changes: ["images/**/*"] });
    const authz = ci.authorize.script.join("\n");
    expect(authz).toContain('git worktree add -q --detach "$CI_PROJECT_DIR/.base" "$CI_MERGE_REQUEST_DIFF_BASE_SHA"');
    expect(authz).toMatch(/cd \.base[\s\S]*npx vmendorse authorize --root \. --head "\$CI_PROJECT_DIR"[\s\S]*--gitlab "\$CI_PROJECT_ID" --mr "\$CI_MERGE_REQUEST_IID"/);
  });

  it("release: compose (full history), sign keyless with the only id_token, publish, pages; one at a time", () => {
    expect(ci.compose.variables.GIT_DEPTH).toBe("0");
    const withTokens = jobs.filter(([, j]) => j.id_tokens).map(([n]) => n);
    expect(withTokens).toEqual(["sign"]);
    expect(ci.sign.id_tokens).toEqual({ SIGSTORE_ID_TOKEN: { aud: "sigstore" } });
    expect(ci.sign.script[0]).toBe("npx vmendorse sign out/imagelist.json --keyless");
    expect(ci.sign.script[1]).toContain('--identity "$IDENTITY" --issuer "$CI_SERVER_URL"');
    for (const j of ["compose", "sign", "publish", "pages"]) {
      expect(resolved(ci[j]).resource_group, j).toBe("release");
      expect(resolved(ci[j]).interruptible, j).toBe(false);
    }
    // A merged revocation is a release path (the CSIRT fast path).
    expect(ci[".release"].rules[0].changes).toContain("revocations/**/*");
    expect(ci.pages.artifacts.paths).toEqual(["public/"]);
  });

  it("schedules: expiry issues and the rebuild rule", () => {
    expect(ci.expiry.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(ci.expiry.script.join("\n")).toContain('npx vmendorse expiry --gitlab-issues "$CI_PROJECT_ID"');
    const rebuild = ci.rebuild.script.join("\n");
    expect(rebuild).toContain("npx vmendorse rebuild-plan --built");
    expect(rebuild).toContain("-o merge_request.create");
  });

  it("no attacker-controlled text (titles, messages, branch names) reaches a script", () => {
    for (const v of ["CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION", "CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH"]) {
      for (const [name, job] of jobs) expect(scripts(job), `${name} uses $${v}`).not.toContain(v);
    }
  });

  it("every vmendorse command the pipelines run exists (or is provided by the build/scan/publish/catalogue steps)", () => {
    const known = new Set([...COMMANDS.map((c) => c.name), ...PROVIDED_ELSEWHERE]);
    const workflows = readdirSync(join(PROJECT, ".github", "workflows")).map((f) => readFileSync(join(PROJECT, ".github", "workflows", f), "utf8"));
    const used = [...[text, ...workflows].join("\n").matchAll(/npx vmendorse ([a-z-]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(10);
    for (const c of used) expect(known, c).toContain(c);
  });
});

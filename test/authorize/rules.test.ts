// The authorization rule on the example repository's real endorsers, maintainers and CSIRT members.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadRepository } from "../../src/repo/load.js";
import { authorityFrom } from "../../src/authorize/authority.js";
import { decide } from "../../src/authorize/rules.js";
import { approversFromReviews } from "../../src/authorize/reviews.js";
import { decisionMarkdown } from "../../src/authorize/report.js";
import type { ChangedFile, PullRequestFacts } from "../../src/authorize/types.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const NOW = Date.parse("2026-11-23T12:00:00Z");
const repo = loadRepository(PROJECT).repo;
const authority = authorityFrom(repo, NOW);

const mod = (path: string): ChangedFile => ({ path, status: "modified" });
const add = (path: string): ChangedFile => ({ path, status: "added" });
const del = (path: string): ChangedFile => ({ path, status: "removed" });
const pr = (author: string, approvers: string[], files: ChangedFile[], named?: Record<string, string>): PullRequestFacts => ({
  author, approvers, files, ...(named ? { namedEndorsers: new Map(Object.entries(named)) } : {}),
});
const req = (d: ReturnType<typeof decide>, id: string) => d.requirements.find((r) => r.id === id)!;

describe("authorization rule", () => {
  it("the example data has what the rule needs (endorsers with logins, CSIRT logins)", () => {
    expect(authority.vos.get("fedcloud.egi.eu")!.map((e) => e.login)).toEqual(["enolfc", "gsipos"]);
    expect(authority.csirt).toEqual(["sgabriel-csirt", "dkouril-csirt"]);
  });

  it("an endorsement needs an approval by another endorser of that VO", () => {
    const files = [mod("endorsements/fedcloud.egi.eu/egi.debian.12.yaml")];
    const ok = decide(pr("enolfc", ["gsipos"], files, { "endorsements/fedcloud.egi.eu/egi.debian.12.yaml": "efernandez" }), authority);
    expect(ok.authorized).toBe(true);
    expect(req(ok, "vo:fedcloud.egi.eu").satisfiedBy).toEqual(["gsipos"]);

    // The author approving their own request does not count; nor does an endorser of another VO.
    expect(decide(pr("enolfc", ["enolfc"], files), authority).authorized).toBe(false);
    const other = decide(pr("enolfc", ["mborg-elixir"], files), authority);
    expect(other.authorized).toBe(false);
    expect(req(other, "vo:fedcloud.egi.eu").eligible).toEqual(["gsipos"]);
    // Nor does a CSIRT member where the VO has a second endorser.
    expect(decide(pr("enolfc", ["sgabriel-csirt"], files), authority).authorized).toBe(false);
    // Logins compare case-insensitively (GitHub logins are).
    expect(decide(pr("EnolFC", ["GSipos"], files), authority).authorized).toBe(true);
  });

  it("each touched VO needs its own endorser", () => {
    const files = [mod("endorsements/fedcloud.egi.eu/egi.debian.12.yaml"), add("endorsements/vo.elixir-europe.org/egi.debian.12.yaml")];
    const d = decide(pr("egi-cloud-images", ["gsipos"], files), authority);
    expect(d.authorized).toBe(false);
    expect(req(d, "vo:fedcloud.egi.eu").ok).toBe(true);
    expect(req(d, "vo:vo.elixir-europe.org").ok).toBe(false);
    expect(decide(pr("egi-cloud-images", ["gsipos", "jlindvall"], files), authority).authorized).toBe(true);
  });

  it("where the author is the VO's only endorser, a CSIRT approval is the second pair of eyes", () => {
    const files = [mod("endorsements/biomed/biomed.galaxy.yaml")];
    const alone = decide(pr("spop-biomed", [], files), authority);
    expect(alone.authorized).toBe(false);
    expect(req(alone, "vo:biomed").note).toContain("CSIRT member's approval stands in");
    expect(decide(pr("spop-biomed", ["dkouril-csirt"], files), authority).authorized).toBe(true);
  });

  it("nobody endorses in someone else's name", () => {
    const file = "endorsements/fedcloud.egi.eu/egi.debian.12.yaml";
    // A maintainer prepares an endorsement naming gsipos; enolfc approves, gsipos does not take part.
    const d = decide(pr("egi-cloud-images", ["enolfc"], [mod(file)], { [file]: "gsipos" }), authority);
    expect(d.authorized).toBe(false);
    expect(d.problems).toEqual([`${file} names endorser "gsipos" (@gsipos), who neither opened nor approved this request`]);
    expect(decide(pr("egi-cloud-images", ["gsipos"], [mod(file)], { [file]: "gsipos" }), authority).authorized).toBe(true);
    const unknown = decide(pr("enolfc", ["gsipos"], [mod(file)], { [file]: "spop" }), authority);
    expect(unknown.problems[0]).toContain('names endorser "spop", who is not an active endorser of VO fedcloud.egi.eu');
  });

  it("an endorser whose appointment ended no longer counts", () => {
    const { repo: copy } = loadRepository(PROJECT);
    copy.vos.get("fedcloud.egi.eu")!.data.endorsers[1]!.until = "2026-10-31";
    const a = authorityFrom(copy, NOW);
    const files = [mod("endorsements/fedcloud.egi.eu/egi.debian.12.yaml")];
    expect(decide(pr("enolfc", ["gsipos"], files), a).authorized).toBe(false);
    // ...and a future appointment does not count yet.
    copy.vos.get("fedcloud.egi.eu")!.data.endorsers[1]!.until = undefined;
    copy.vos.get("fedcloud.egi.eu")!.data.endorsers[1]!.appointed = "2026-12-01";
    expect(decide(pr("enolfc", ["gsipos"], files), authorityFrom(copy, NOW)).authorized).toBe(false);
  });

  it("the endorser registry (vo.yaml) and the settings need a CSIRT member other than the author", () => {
    for (const path of ["endorsements/biomed/vo.yaml", "vmendorse.yaml", ".github/workflows/release.yml", "actions/sign/action.yml", ".gitlab-ci.yml"]) {
      expect(decide(pr("spop-biomed", ["enolfc"], [mod(path)]), authority).authorized, path).toBe(false);
      expect(decide(pr("spop-biomed", ["sgabriel-csirt"], [mod(path)]), authority).authorized, path).toBe(true);
      expect(decide(pr("sgabriel-csirt", [], [mod(path)]), authority).authorized, path).toBe(false);
      expect(decide(pr("sgabriel-csirt", ["dkouril-csirt"], [mod(path)]), authority).authorized, path).toBe(true);
    }
  });

  it("CSIRT may always revoke, alone; lifting a ban needs a second CSIRT member", () => {
    const ban = [add("revocations/egi.debian.12@20261103.yaml")];
    expect(decide(pr("sgabriel-csirt", [], ban), authority).authorized).toBe(true);
    expect(decide(pr("enolfc", ["dkouril-csirt"], ban), authority).authorized).toBe(true);
    expect(decide(pr("enolfc", ["gsipos"], ban), authority).authorized).toBe(false);
    const lift = [del("revocations/egi.almalinux.9@20261104.yaml")];
    expect(decide(pr("sgabriel-csirt", [], lift), authority).authorized).toBe(false);
    expect(decide(pr("sgabriel-csirt", ["dkouril-csirt"], lift), authority).authorized).toBe(true);
  });

  it("withdrawing an endorsement: an endorser of the VO or the CSIRT, alone", () => {
    const files = [del("endorsements/biomed/egi.debian.12.yaml")];
    expect(decide(pr("spop-biomed", [], files), authority).authorized).toBe(true);
    expect(decide(pr("dkouril-csirt", [], files), authority).authorized).toBe(true);
    expect(decide(pr("mborg-elixir", [], files), authority).authorized).toBe(false);
  });

  it("images need a maintainer; a new appliance an endorser or CSIRT; other files one reviewer", () => {
    const rel = [add("images/egi.debian.12/releases/20261201.yaml")];
    expect(decide(pr("github-actions[bot]", ["egi-cloud-images"], rel), authority).authorized).toBe(true);
    expect(decide(pr("github-actions[bot]", ["enolfc"], rel), authority).authorized).toBe(false);
    const fresh = [add("images/egi.rocky.9/image.yaml")];
    const d = decide(pr("someone", ["mborg-elixir"], fresh), authority);
    expect(d.authorized).toBe(true);
    expect(req(d, "new-image:egi.rocky.9").need).toContain("new appliance");
    expect(decide(pr("someone", ["someone-else"], fresh), authority).authorized).toBe(false);
    const code = [mod("src/cli/main.ts"), mod("docs/site.md")];
    expect(decide(pr("someone", [], code), authority).authorized).toBe(false);
    expect(decide(pr("someone", ["anyone"], code), authority).authorized).toBe(true);
  });

  it("a rename touches both folders", () => {
    const files: ChangedFile[] = [{ path: "endorsements/biomed/egi.debian.12.yaml", previousPath: "endorsements/fedcloud.egi.eu/egi.debian.12.yaml", status: "renamed" }];
    const d = decide(pr("enolfc", ["spop-biomed"], files), authority);
    expect(d.requirements.map((r) => r.id)).toEqual(["vo-removal:fedcloud.egi.eu", "vo:biomed"]);
    expect(d.authorized).toBe(true);
  });

  it("a request that touches several kinds of file needs every requirement", () => {
    const files = [add("revocations/egi.debian.12@20261103.yaml"), mod("endorsements/biomed/vo.yaml"), mod("README.md")];
    const d = decide(pr("sgabriel-csirt", [], files), authority);
    expect(d.requirements.map((r) => [r.id, r.ok])).toEqual([["csirt", false], ["csirt-revoke", true], ["review", false]]);
    expect(decide(pr("sgabriel-csirt", ["dkouril-csirt"], files), authority).authorized).toBe(true);
  });

  it("the Markdown report names what is missing and keeps hostile file names inside their cell", () => {
    const d = decide(pr("enolfc", [], [mod("endorsements/fedcloud.egi.eu/egi.debian.12.yaml"), add("docs/x|<img src=x>`.md")]), authority);
    const md = decisionMarkdown(d);
    expect(md).toContain("❌ not authorized yet");
    expect(md).toContain("| ❌ | an endorser of VO fedcloud.egi.eu other than the author |");
    expect(md).toContain("`gsipos`");
    expect(md).not.toContain("<img");
    expect(md).toContain("`docs/x??img src=x??.md`");
  });
});

describe("approvals from reviews", () => {
  const r = (login: string, state: string, at: string, commitId = "head") => ({ login, state, submittedAt: at, commitId });
  it("each reviewer's latest decisive review counts, for the head commit only", () => {
    const reviews = [
      r("a", "APPROVED", "2026-11-20T10:00:00Z"),
      r("b", "APPROVED", "2026-11-20T10:00:00Z"),
      r("b", "CHANGES_REQUESTED", "2026-11-20T11:00:00Z"),
      r("c", "APPROVED", "2026-11-20T10:00:00Z", "older"),
      r("d", "APPROVED", "2026-11-20T10:00:00Z"),
      r("d", "COMMENTED", "2026-11-20T12:00:00Z"),
      r("e", "APPROVED", "2026-11-20T10:00:00Z"),
      r("e", "DISMISSED", "2026-11-20T12:00:00Z"),
      r("F", "CHANGES_REQUESTED", "2026-11-20T09:00:00Z"),
      r("f", "APPROVED", "2026-11-20T10:00:00Z"),
    ];
    expect(approversFromReviews(reviews, "head")).toEqual(["a", "d", "f"]);
    // Without a head commit (GitLab), the commit is not compared.
    expect(approversFromReviews(reviews)).toEqual(["a", "c", "d", "f"]);
  });
});

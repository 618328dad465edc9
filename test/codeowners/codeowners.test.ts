import { describe, expect, it } from "vitest";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { loadRepository } from "../../src/repo/load.js";
import { codeownersDrift, generateCodeowners } from "../../src/codeowners/generate.js";

const PROJECT = join(import.meta.dirname, "..", "..");

/** A copy of the example data with the project's committed CODEOWNERS file. */
function copyWithCodeowners(): string {
  const root = copyRepo();
  mkdirSync(join(root, ".github"), { recursive: true });
  cpSync(join(PROJECT, ".github", "CODEOWNERS"), join(root, ".github", "CODEOWNERS"));
  return root;
}

const NEW_ENDORSER = [
  "  - id: nbrown",
  "    name: Nora Brown",
  "    email: nora.brown@biomed.example.org",
  "    github: nbrown-biomed",
  "    appointed: 2026-01-05",
].join("\n");

function addBiomedEndorser(root: string): void {
  const file = join(root, "endorsements", "biomed", "vo.yaml");
  const text = readFileSync(file, "utf8").replace("lifetime:", `${NEW_ENDORSER}\nlifetime:`);
  writeFileSync(file, text);
}

describe("CODEOWNERS generated from the repository data", () => {
  it("`vmendorse codeowners --check` passes on this repository", () => {
    const r = vmendorse(["codeowners", "--check"], PROJECT);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(".github/CODEOWNERS is in sync");
  });

  it("owners come from vo.yaml endorsers, image maintainers and the CSIRT team", () => {
    const { repo } = loadRepository(PROJECT);
    const text = generateCodeowners(repo);
    const lines = text.split("\n");
    for (const [folder, vo] of repo.vos) {
      expect(lines).toContain(`/endorsements/${folder}/ ${vo.data.endorsers.map((e) => `@${e.github}`).join(" ")}`);
    }
    for (const [folder, img] of repo.images) {
      const logins = [...new Set(img.data.maintainers.flatMap((m) => (m.github ? [`@${m.github}`] : [])))];
      expect(lines).toContain(`/images/${folder}/ ${logins.join(" ")}`);
    }
    const team = `@${repo.config!.data.csirt.team}`;
    for (const p of ["/revocations/", "/endorsements/*/vo.yaml", "/vmendorse.yaml", "/.github/"]) expect(lines).toContain(`${p} ${team}`);
    // CSIRT lines come last: in CODEOWNERS the last match wins, so vo.yaml stays with the CSIRT.
    expect(lines.findIndex((l) => l.startsWith("/endorsements/*/vo.yaml"))).toBeGreaterThan(lines.findIndex((l) => l.startsWith("/endorsements/biomed/")));
  });

  it("an image without a GitHub maintainer falls to the CSIRT team; handles are not repeated", () => {
    const { repo } = loadRepository(PROJECT);
    const img = repo.images.get("egi.debian.12")!;
    img.data.maintainers = [{ name: "Nobody On GitHub", email: "x@example.org" }];
    const vo = repo.vos.get("fedcloud.egi.eu")!;
    vo.data.endorsers = [...vo.data.endorsers, { ...vo.data.endorsers[0]!, id: "dup", github: vo.data.endorsers[0]!.github.toUpperCase() }];
    const lines = generateCodeowners(repo).split("\n");
    expect(lines).toContain(`/images/egi.debian.12/ @${repo.config!.data.csirt.team}`);
    expect(lines.find((l) => l.startsWith("/endorsements/fedcloud.egi.eu/"))).toBe("/endorsements/fedcloud.egi.eu/ @enolfc @gsipos");
  });

  it("--check fails on drift naming the differing line; validate reports it; regenerating fixes it", () => {
    const root = copyWithCodeowners();
    expect(vmendorse(["codeowners", "--check", "--root", root]).code).toBe(0);
    expect(vmendorse(["validate", "--root", root, "--now", "2026-11-23T12:00:00Z"]).code).toBe(0);

    addBiomedEndorser(root);
    const check = vmendorse(["codeowners", "--check", "--root", root]);
    expect(check.code).toBe(1);
    const lines = readFileSync(join(root, ".github", "CODEOWNERS"), "utf8").split("\n");
    const n = lines.findIndex((l) => l.startsWith("/endorsements/biomed/")) + 1;
    expect(check.stderr).toContain(`.github/CODEOWNERS is out of sync: line ${n}: expected "/endorsements/biomed/ @spop-biomed @nbrown-biomed", found "/endorsements/biomed/ @spop-biomed"`);

    const v = vmendorse(["validate", "--root", root, "--now", "2026-11-23T12:00:00Z"]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(`.github/CODEOWNERS:${n}:1: out of sync`);
    expect(v.stderr).toContain("[codeowners.drift]");

    const write = vmendorse(["codeowners", "--root", root]);
    expect(write.code).toBe(0);
    expect(write.stdout).toContain(`was out of sync at line ${n}`);
    expect(vmendorse(["codeowners", "--check", "--root", root]).code).toBe(0);
    expect(vmendorse(["validate", "--root", root, "--now", "2026-11-23T12:00:00Z"]).code).toBe(0);
  });

  it("a hand edit (extra owner) is drift too; a missing file fails --check", () => {
    const root = copyWithCodeowners();
    const file = join(root, ".github", "CODEOWNERS");
    writeFileSync(file, readFileSync(file, "utf8") + "/images/ @someone-else\n");
    const r = vmendorse(["codeowners", "--check", "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line \d+: expected end of file, found "\/images\/ @someone-else"/);
    rmSync(file);
    const missing = vmendorse(["codeowners", "--check", "--root", root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(".github/CODEOWNERS is missing");
  });

  it("refuses to generate from a repository with invalid files", () => {
    const root = copyWithCodeowners();
    writeFileSync(join(root, "endorsements", "biomed", "vo.yaml"), "name: biomed\nendorsers: []\n");
    const r = vmendorse(["codeowners", "--root", root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("endorsements/biomed/vo.yaml");
  });

  it("codeownersDrift finds the first differing line", () => {
    expect(codeownersDrift("a\nb\n", "a\nb\n")).toBeUndefined();
    expect(codeownersDrift("a\nb\nc\n", "a\nx\nc\n")).toEqual({ line: 2, expected: "b", found: "x" });
  });
});

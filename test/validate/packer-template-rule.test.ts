// validate: an image built with packer must name a template that exists in its folder (a regular file,
// not a link), so that a pull request cannot reference a template it forgot to add.
import { describe, expect, it } from "vitest";
import { renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { copyRepo } from "../compose/repo-copy.js";
import { validateRepository } from "../../src/validate/index.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const rules = (root: string) => validateRepository(root, NOW).diagnostics.filter((d) => d.rule === "image.template-missing");

describe("packer template rule", () => {
  it("the example repository's templates all exist", () => {
    expect(rules(copyRepo())).toEqual([]);
  });
  it("a missing template is reported at image.yaml's builder.template line", () => {
    const repo = copyRepo();
    rmSync(join(repo, "images", "egi.ubuntu.24.04", "ubuntu.pkr.hcl"));
    const d = rules(repo);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: "images/egi.ubuntu.24.04/image.yaml", field: "/builder/template" });
    expect(d[0]!.line).toBeGreaterThan(0);
    expect(d[0]!.message).toMatch(/template "ubuntu.pkr.hcl" does not exist: expected images\/egi.ubuntu.24.04\/ubuntu.pkr.hcl/);
  });
  it("a template that is a symbolic link (possibly to a file outside the repository) is refused", () => {
    const repo = copyRepo();
    const t = join(repo, "images", "egi.almalinux.9", "almalinux.pkr.hcl");
    renameSync(t, `${t}.real`);
    symlinkSync("/etc/passwd", t);
    expect(rules(repo).map((d) => d.message)).toEqual([expect.stringMatching(/is a symbolic link/)]);
  });
});

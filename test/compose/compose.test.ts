import { describe, expect, it, beforeAll } from "vitest";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { composeRepository } from "../../src/compose/index.js";
import { nextSerial } from "../../src/compose/imagelist.js";
import { validateData } from "../../src/schema/validator.js";
import type { ImageList } from "../../src/model/types.js";
import { commitAll, copyRepo, git } from "./repo-copy.js";

const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };
const SPOP = { name: "Sorina Pop", email: "sorina.pop@biomed.example.org" };
const BASE = "2026-11-21T12:00:00Z"; // after every endorsed_at the YAML files claim
const NOW = Date.parse("2026-11-23T12:00:00Z");

function compose(root: string, now = NOW) {
  return composeRepository({ root, outDir: join(root, "out"), now });
}
const images = (l: ImageList, vo: string) => l.vos[vo]!.images.map((i) => `${i.appliance}@${i.version}`);

describe("compose", () => {
  let root: string;
  beforeAll(() => {
    root = copyRepo();
    commitAll(root, "initial data", ADMIN, BASE);
  });

  it("lists per VO what is endorsed now, and a valid list by the schema", () => {
    const { list } = compose(root);
    expect(validateData("imagelist.schema.json", list, "imagelist.json")).toEqual([]);
    expect(images(list, "fedcloud.egi.eu")).toEqual(["egi.debian.12@20261117", "egi.ubuntu.24.04@20261104"]);
    expect(images(list, "biomed")).toEqual(["biomed.galaxy@20261106", "egi.debian.12@20261117"]);
    // VO-specific images appear only in their own VO.
    expect(images(list, "fedcloud.egi.eu").some((i) => i.startsWith("biomed."))).toBe(false);
    expect(list.issued).toBe("2026-11-23T12:00:00Z");
    expect(list.expires).toBe("2026-11-30T12:00:00Z");
  });

  it("takes endorsement time and author from git, not from the YAML claim", () => {
    const { list } = compose(root);
    const debian = list.vos["fedcloud.egi.eu"]!.images.find((i) => i.appliance === "egi.debian.12")!;
    expect(debian.endorsed_at).toBe(BASE); // the YAML claims 2026-11-18T09:40:00Z
    expect(debian.provenance).toMatchObject({ source: "git", author: "Repo Admin <admin@egi.example>" });
    expect(debian.expires_at).toBe("2027-02-19T12:00:00Z"); // 90 days after the commit
  });

  it("moves a revoked version to the revoked section with every artifact digest", () => {
    const { list, skipped } = compose(root);
    expect(images(list, "fedcloud.egi.eu")).not.toContain("egi.almalinux.9@20261104");
    const r = list.revoked.find((x) => x.appliance === "egi.almalinux.9")!;
    expect(r).toMatchObject({ version: "20261104", vos: ["*"], cves: ["CVE-2026-41173"] });
    expect(r.sha512).toHaveLength(2);
    expect(skipped.find((s) => s.appliance === "egi.almalinux.9")?.reason).toMatch(/^revoked on 2026-11-20T07:55:00Z/);
  });

  it("drops expired endorsements and says why", () => {
    const later = Date.parse("2027-01-25T00:00:00Z"); // biomed debian: 60 days after 2026-11-21
    const { list, skipped } = compose(root, later);
    expect(images(list, "biomed")).toEqual(["biomed.galaxy@20261106"]);
    expect(skipped.find((s) => s.vo === "biomed" && s.appliance === "egi.debian.12")?.reason).toBe("endorsement expired on 2027-01-20T12:00:00Z");
  });

  it("keeps serials strictly increasing, even when the clock does not move", () => {
    const a = compose(root).list.serial;
    const b = compose(root).list.serial;
    const c = compose(root, NOW - 86_400_000).list.serial;
    expect(b).toBe(a + 1);
    expect(c).toBe(b + 1);
    expect(nextSerial(NOW, undefined)).toBe(NOW / 1000);
  });

  it("writes HEPiX lists with every key the consumers require", () => {
    compose(root);
    const hv = JSON.parse(readFileSync(join(root, "out", "hepix", "biomed.imagelist.json"), "utf8"))["hv:imagelist"];
    for (const k of ["dc:date:created", "dc:date:expires", "dc:identifier", "dc:description", "dc:title", "dc:source", "hv:version", "hv:uri", "hv:endorser", "hv:images", "ad:vo"]) {
      expect(hv, k).toHaveProperty([k]);
    }
    expect(hv["ad:vo"]).toBe("biomed");
    expect(hv["hv:endorser"]["hv:x509"]["hv:dn"]).toBe("/O=GRID-FR/C=FR/O=CNRS/OU=CREATIS/CN=Sorina Pop");
    expect(hv["hv:images"]).toHaveLength(4); // 2 appliances x (qcow2, ova)
    for (const { "hv:image": img } of hv["hv:images"]) {
      for (const k of ["dc:identifier", "dc:title", "dc:description", "hv:size", "sl:checksum:sha512", "sl:arch", "hv:uri", "sl:os", "sl:osname", "sl:osversion", "sl:comments", "hv:hypervisor", "hv:version", "hv:format", "ad:mpuri", "ad:vo", "ad:group", "ad:user:fullname", "ad:user:guid", "ad:user:uri", "dc:date:expires"]) {
        expect(img, k).toHaveProperty([k]);
      }
      expect(img["sl:checksum:sha512"]).toMatch(/^[0-9a-f]{128}$/);
      expect(typeof img["hv:size"]).toBe("string");
    }
    // The image identifier is stable across versions (consumers update in place by it).
    const ids = hv["hv:images"].map((x: { "hv:image": Record<string, string> }) => x["hv:image"]["dc:identifier"]);
    expect(new Set(ids).size).toBe(4);
  });
});

describe("compose with pull-request history", () => {
  it("uses the merge time on main and the author of the endorsement commit", () => {
    const root = copyRepo();
    commitAll(root, "initial", ADMIN, BASE);
    git(root, ["checkout", "-q", "-b", "endorse-debian"]);
    const f = join(root, "endorsements", "biomed", "egi.debian.12.yaml");
    writeFileSync(f, readFileSync(f, "utf8").replace("endorsed_at: 2026-11-19T08:30:00Z", "endorsed_at: 2026-11-22T08:00:00Z"));
    commitAll(root, "biomed: endorse egi.debian.12 20261117", SPOP, "2026-11-22T08:05:00Z");
    git(root, ["checkout", "-q", "main"]);
    const env = { GIT_COMMITTER_DATE: "2026-11-22T10:00:00Z", GIT_AUTHOR_DATE: "2026-11-22T10:00:00Z", GIT_COMMITTER_NAME: "GitHub", GIT_COMMITTER_EMAIL: "noreply@github.com", GIT_AUTHOR_NAME: "GitHub", GIT_AUTHOR_EMAIL: "noreply@github.com" };
    git(root, ["merge", "-q", "--no-ff", "-m", "Merge pull request #7", "endorse-debian"], env);
    const e = compose(root).list.vos.biomed!.images.find((i) => i.appliance === "egi.debian.12")!;
    expect(e.endorsed_at).toBe("2026-11-22T10:00:00Z");
    expect(e.provenance.author).toBe("Sorina Pop <sorina.pop@biomed.example.org>");
    expect(e.provenance.commit).toBe(git(root, ["rev-parse", "HEAD"]).trim());
  });

  it("refuses an endorsement that claims a time after the commit that brought it", () => {
    const root = copyRepo();
    const f = join(root, "endorsements", "biomed", "egi.debian.12.yaml");
    writeFileSync(f, readFileSync(f, "utf8").replace("endorsed_at: 2026-11-19T08:30:00Z", "endorsed_at: 2026-11-22T08:30:00Z"));
    commitAll(root, "backdated commit", ADMIN, "2026-11-20T00:00:00Z");
    const { list, skipped } = compose(root);
    expect(images(list, "biomed")).toEqual(["biomed.galaxy@20261106"]);
    expect(skipped.find((s) => s.appliance === "egi.debian.12")?.reason).toMatch(/claims endorsed_at 2026-11-22T08:30:00Z, after the commit/);
  });

  it("falls back to the YAML claim, and says so, for uncommitted files", () => {
    const root = copyRepo();
    commitAll(root, "initial", ADMIN, BASE);
    const f = join(root, "endorsements", "biomed", "egi.debian.12.yaml");
    writeFileSync(f, readFileSync(f, "utf8") + "\n");
    const { list, warnings } = compose(root);
    const e = list.vos.biomed!.images.find((i) => i.appliance === "egi.debian.12")!;
    expect(e.provenance).toEqual({ source: "yaml" });
    expect(e.endorsed_at).toBe("2026-11-19T08:30:00Z");
    expect(warnings).toContain("endorsements/biomed/egi.debian.12.yaml: not committed; endorsement time taken from the YAML");
  });

  it("refuses to compose an invalid repository and writes nothing", () => {
    const root = copyRepo();
    commitAll(root, "initial", ADMIN, BASE);
    rmSync(join(root, "images", "egi.ubuntu.24.04", "releases", "20261104.yaml"));
    expect(() => compose(root)).toThrow(/version 20261104 of egi.ubuntu.24.04 has no build record/);
    expect(() => readFileSync(join(root, "out", "imagelist.json"))).toThrow();
  });
});

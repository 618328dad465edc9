// Generates a large, valid vmendorse repository for benchmarks: by default 1,000 appliances (one build
// record each), 100 VOs and 10,000 endorsements (100 per VO), plus a few revocations, committed to
// git in one commit so that compose reads real history. Deterministic: the same sizes give the same
// files and the same commit id.
//
//   node bench/generate.mjs [DIR]   generate into DIR (default: a new temporary folder) and print it
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const DEFAULT_SIZES = { appliances: 1000, vos: 100, endorsementsPerVo: 100, revocations: 10 };
/** Time the generated data is valid at (endorsements are a few days old, none expired). */
export const BENCH_NOW = "2026-11-23T12:00:00Z";
const COMMITTED_AT = "2026-11-20T12:00:00Z";

const sha512 = (s) => createHash("sha512").update(s).digest("hex");
const sha256 = (s) => createHash("sha256").update(s).digest("hex");
const pad = (n, w) => String(n).padStart(w, "0");

const applianceId = (i) => `bench.app${pad(i, 4)}`;
const voName = (v) => `vo${pad(v, 3)}.bench.example`;
// Build dates spread over 1-15 November 2026; the version is the build date.
const versionOf = (i) => `202611${pad(1 + (i % 15), 2)}`;
const artifactSha = (i, format) => sha512(`${applianceId(i)}/${versionOf(i)}/${format}`);
const reportSha = (i) => sha512(`${applianceId(i)}/${versionOf(i)}/report`);

function imageYaml(i) {
  return `# yaml-language-server: $schema=../../schemas/image.schema.json
id: ${applianceId(i)}
title: Benchmark appliance ${i}
description: >-
  Generated Debian 12 appliance number ${i} for the validate and compose benchmarks.
type: egi
maintainers:
  - name: Bench Maintainer ${i % 50}
    email: maintainer${i % 50}@bench.example
    github: bench-maintainer-${i % 50}
os:
  family: linux
  distribution: debian
  version: "12"
  codename: bookworm
  arch: x86_64
  admin_user: debian
builder:
  type: mmdebstrap
  suite: bookworm
  components: [main]
  packages:
    - linux-image-cloud-amd64
    - systemd-sysv
    - openssh-server
    - cloud-init
formats: [qcow2, ova]
resources:
  cores: { minimum: 1, recommended: 2 }
  ram_mb: { minimum: 1024, recommended: 2048 }
  disk_gb: 8
ports:
  - port: 22
    protocol: tcp
    service: ssh
    justification: Remote access with the key injected by cloud-init.
services: []
update_policy:
  rebuild: security-or-monthly
  max_age_days: 31
scan:
  lynis_min_index: 60
  max_size_mb: 1536
  waivers: []
`;
}

function releaseYaml(i) {
  const id = applianceId(i);
  const v = versionOf(i);
  const base = `debian-12-${v}`;
  const uri = (f) => `https://appliances.example.org/images/${id}/${f}`;
  return `# yaml-language-server: $schema=../../../schemas/release.schema.json
appliance: ${id}
version: "${v}"
built_at: ${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T03:12:44Z
source:
  commit: ${sha256(`commit/${id}`).slice(0, 40)}
builder:
  type: mmdebstrap
  duration_s: 503
  tools:
    mmdebstrap: 1.3.5-7
    qemu-img: 7.2.18
artifacts:
  - format: qcow2
    file: ${base}.qcow2
    uri: ${uri(`${base}.qcow2`)}
    size: ${389152768 + i}
    sha512: ${artifactSha(i, "qcow2")}
  - format: ova
    file: ${base}.ova
    uri: ${uri(`${base}.ova`)}
    size: ${402653184 + i}
    sha512: ${artifactSha(i, "ova")}
packages:
  count: 312
  manifest: ${base}.packages.tsv
  sha512: ${sha512(`${id}/packages`)}
sbom:
  format: CycloneDX
  spec_version: "1.5"
  file: ${base}.cdx.json
  sha512: ${sha512(`${id}/sbom`)}
scan:
  result: pass
  passed: 19
  failed: 0
  waived: 0
  lynis_index: 72
  scanned_at: ${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T03:31:09Z
  report: ${base}.scan.json
  report_sha512: ${reportSha(i)}
`;
}

function voYaml(v) {
  const endorsers = [0, 1, 2].map((k) => `  - id: e${pad(v, 3)}-${k}
    name: Endorser ${k} of VO ${v}
    email: endorser${k}@${voName(v)}
    github: bench-vo${pad(v, 3)}-endorser${k}
    appointed: 2025-03-01
`).join("");
  return `# yaml-language-server: $schema=../../schemas/vo.schema.json
name: ${voName(v)}
description: "Generated VO number ${v} for the benchmarks."
contact: managers@${voName(v)}
endorsers:
${endorsers}lifetime:
  default_days: 90
  max_days: 180
  warn_days: 14
`;
}

function endorsementYaml(v, i) {
  return `# yaml-language-server: $schema=../../schemas/endorsement.schema.json
appliance: ${applianceId(i)}
version: "${versionOf(i)}"
digest: sha512:${artifactSha(i, "qcow2")}
endorser: e${pad(v, 3)}-${i % 3}
endorsed_at: 2026-11-18T09:40:00Z
lifetime_days: ${30 + (i % 90)}
checklist:
  acknowledged: true
  report_sha512: ${reportSha(i)}
`;
}

function revocationYaml(i) {
  return `# yaml-language-server: $schema=../schemas/revocation.schema.json
appliance: ${applianceId(i)}
version: "${versionOf(i)}"
reason: >-
  Generated revocation for the benchmarks: the image ships a vulnerable package.
cves: [CVE-2026-${pad(10000 + i, 5)}]
revoked_at: 2026-11-19T07:55:00Z
revoked_by:
  name: Sven Gabriel
  email: sven.gabriel@csirt.example.org
`;
}

/** VO v endorses 100 distinct appliances; each appliance is endorsed by (vos * perVo / appliances) VOs. */
export function endorsedBy(v, sizes = DEFAULT_SIZES) {
  const stride = Math.max(1, Math.floor(sizes.appliances / sizes.endorsementsPerVo));
  return Array.from({ length: sizes.endorsementsPerVo }, (_, j) => (j * stride + v) % sizes.appliances);
}

/**
 * Writes the repository into `dir` (created if needed; default: a new temporary folder) and commits
 * it. Returns the folder and what it holds.
 */
export function generateRepository({ dir, sizes = DEFAULT_SIZES } = {}) {
  const root = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), "vmendorse-bench-"));
  const write = (rel, text) => {
    const path = join(root, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  };
  mkdirSync(root, { recursive: true });
  copyFileSync(join(PROJECT, "vmendorse.yaml"), join(root, "vmendorse.yaml"));
  let files = 1;
  for (let i = 0; i < sizes.appliances; i++) {
    write(`images/${applianceId(i)}/image.yaml`, imageYaml(i));
    write(`images/${applianceId(i)}/releases/${versionOf(i)}.yaml`, releaseYaml(i));
    files += 2;
  }
  let endorsements = 0;
  for (let v = 0; v < sizes.vos; v++) {
    write(`endorsements/${voName(v)}/vo.yaml`, voYaml(v));
    files++;
    for (const i of endorsedBy(v, sizes)) {
      write(`endorsements/${voName(v)}/${applianceId(i)}.yaml`, endorsementYaml(v, i));
      endorsements++;
      files++;
    }
  }
  for (let r = 0; r < sizes.revocations; r++) {
    const i = r * 97 % sizes.appliances;
    write(`revocations/${applianceId(i)}@${versionOf(i)}.yaml`, revocationYaml(i));
    files++;
  }
  writeCodeownersIfSupported(root);
  const commit = commitAll(root);
  return { root, commit, files, appliances: sizes.appliances, vos: sizes.vos, endorsements, revocations: sizes.revocations };
}

// When the CLI can generate .github/CODEOWNERS from the data, do so: a repository whose CODEOWNERS
// is out of sync would not validate.
function writeCodeownersIfSupported(root) {
  const cli = join(PROJECT, "bin", "vmendorse.js");
  const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
  if (!/^ {2}codeowners /m.test(help.stdout ?? "")) return;
  spawnSync(process.execPath, [cli, "codeowners", "--root", root], { encoding: "utf8" });
}

function commitAll(root) {
  const who = { name: "Bench Admin", email: "admin@bench.example" };
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: root,
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
    GIT_AUTHOR_DATE: COMMITTED_AT,
    GIT_COMMITTER_DATE: COMMITTED_AT,
  };
  const git = (...args) => execFileSync("git", ["-C", root, ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (!existsSync(join(root, ".git"))) git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "benchmark data");
  return git("rev-parse", "HEAD").trim();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const r = generateRepository({ dir: process.argv[2] });
  console.log(`generated ${r.files} files (${r.appliances} appliances, ${r.vos} VOs, ${r.endorsements} endorsements, ${r.revocations} revocations) in ${Math.round(performance.now() - started)} ms`);
  console.log(`${r.root} (commit ${r.commit})`);
}

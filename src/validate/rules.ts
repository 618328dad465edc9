// Cross-file rules over a loaded repository: everything a schema alone cannot say.
import { lstatSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../util/diagnostic.js";
import type { Loaded, Repository } from "../repo/load.js";
import { artifactName, endorsementFile, IMAGES_DIR, REVOCATIONS_DIR, ENDORSEMENTS_DIR } from "../repo/layout.js";
import { EARLIEST, SKEW_MS, DAY_MS, parseTime, yyyymmdd } from "../util/time.js";
import { endorserOf, primaryDigest } from "./queries.js";
import { CHECK_IDS } from "../scan/catalogue.js";

const SAFE_SEGMENT = /^(?!.*\.\.)[a-z0-9][a-z0-9._-]{0,62}[a-z0-9]$/;
/** Far future: a date beyond this is a typo or an attempt to never expire. */
const MAX_FUTURE_MS = 2 * 366 * DAY_MS;

/** Why a packer template named in image.yaml cannot be used, or undefined when it is a regular file in the image folder. */
function templateProblem(root: string, folder: string, template: string): string | undefined {
  let abs = join(root, IMAGES_DIR, folder);
  const parts = template.split("/");
  for (const [i, part] of parts.entries()) {
    abs = join(abs, part);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return `template "${template}" does not exist: expected ${IMAGES_DIR}/${folder}/${template}`;
    }
    if (st.isSymbolicLink()) return `template "${template}": ${parts.slice(0, i + 1).join("/")} is a symbolic link (not allowed in the repository data)`;
    if (i === parts.length - 1 && !st.isFile()) return `template "${template}" is not a file`;
  }
  return undefined;
}

export function crossFileRules(repo: Repository, now: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = <T>(l: Loaded<T>, field: string, message: string, rule: string) => {
    const pos = l.yaml.locate(field);
    out.push({ file: l.file, line: pos.line, column: pos.column, field, message, rule });
  };
  const pathProblem = (file: string, message: string, rule: string) => out.push({ file, line: 0, column: 0, field: "", message, rule });
  const checkTime = <T>(l: Loaded<T>, field: string, value: string | undefined, what: string, allowFuture = false) => {
    if (value === undefined) return;
    const t = parseTime(value);
    if (Number.isNaN(t)) at(l, field, `${what} "${value}" is not a real date`, "date.invalid");
    else if (t < EARLIEST) at(l, field, `${what} ${value} is before 2010: not plausible`, "date.absurd");
    else if (!allowFuture && t > now + SKEW_MS) at(l, field, `${what} ${value} is in the future`, "date.future");
    else if (allowFuture && t > now + MAX_FUTURE_MS) at(l, field, `${what} ${value} is more than two years ahead`, "date.absurd");
  };

  // Folder and file names become path segments and URL parts: they must be safe and ASCII.
  const segment = (name: string, file: string, what: string) => {
    if (SAFE_SEGMENT.test(name)) return true;
    const nonAscii = /[^\x20-\x7e]/.test(name);
    pathProblem(file, nonAscii
      ? `${what} "${name}" contains non-ASCII characters (look-alike names are refused)`
      : `${what} "${name}" is not a safe name (lower-case letters, digits, '.', '-', '_'; no '..')`, "path.unsafe");
    return false;
  };

  // Images and their build records.
  for (const [folder, img] of repo.images) {
    if (!segment(folder, `${IMAGES_DIR}/${folder}`, "appliance folder")) continue;
    if (img.data.id !== folder) at(img, "/id", `id "${img.data.id}" differs from its folder name "${folder}"`, "image.id-folder");
    if (img.data.vo !== undefined && !repo.vos.has(img.data.vo)) at(img, "/vo", `VO "${img.data.vo}" has no endorsements/${img.data.vo}/vo.yaml`, "image.vo-unknown");
    const r = img.data.resources;
    if (r.cores.minimum > r.cores.recommended) at(img, "/resources/cores", "minimum is above recommended", "image.resources");
    if (r.ram_mb.minimum > r.ram_mb.recommended) at(img, "/resources/ram_mb", "minimum is above recommended", "image.resources");
    const seenPorts = new Set<string>();
    img.data.ports.forEach((p, i) => {
      const key = `${p.port}/${p.protocol}`;
      if (seenPorts.has(key)) at(img, `/ports/${i}`, `port ${key} is declared twice`, "duplicate");
      seenPorts.add(key);
    });
    (img.data.scan?.waivers ?? []).forEach((w, i) => {
      checkTime(img, `/scan/waivers/${i}/expires`, w.expires, "waiver expiry", true);
      // A typo in the id would waive nothing and surface only when the scan fails.
      if (!CHECK_IDS.has(w.check)) at(img, `/scan/waivers/${i}/check`, `"${w.check}" is not a checklist id (see docs/checklist.md)`, "image.waiver-unknown-check");
    });
    if (img.data.builder.type === "packer") {
      const problem = templateProblem(repo.root, folder, img.data.builder.template);
      if (problem) at(img, "/builder/template", problem, "image.template-missing");
    }
  }
  for (const [folder, releases] of repo.releases) {
    const img = repo.images.get(folder);
    for (const [version, rel] of releases) {
      if (rel.data.appliance !== folder) at(rel, "/appliance", `appliance "${rel.data.appliance}" differs from its folder "${folder}"`, "release.appliance-folder");
      if (rel.data.version !== version) at(rel, "/version", `version "${rel.data.version}" differs from the file name "${version}.yaml"`, "release.version-file");
      checkTime(rel, "/built_at", rel.data.built_at, "build time");
      const built = parseTime(rel.data.built_at);
      if (!Number.isNaN(built) && yyyymmdd(built) !== rel.data.version.slice(0, 8)) {
        at(rel, "/built_at", `build date ${yyyymmdd(built)} does not match version ${rel.data.version}`, "release.version-date");
      }
      const seenFormats = new Set<string>();
      const seenDigests = new Set<string>();
      rel.data.artifacts.forEach((a, i) => {
        if (seenFormats.has(a.format)) at(rel, `/artifacts/${i}/format`, `format ${a.format} listed twice`, "duplicate");
        seenFormats.add(a.format);
        if (seenDigests.has(a.sha512)) at(rel, `/artifacts/${i}/sha512`, "two artifacts with the same sha512", "duplicate");
        seenDigests.add(a.sha512);
        if (img) {
          const expected = artifactName(img.data.os.distribution, img.data.os.version, rel.data.version, a.format);
          if (a.file !== expected) at(rel, `/artifacts/${i}/file`, `expected "${expected}" (<os>-<osversion>-<version>.<ext>)`, "release.artifact-name");
        }
        if (!a.uri.endsWith(`/${a.file}`)) at(rel, `/artifacts/${i}/uri`, `URI does not end with the file name "${a.file}"`, "release.artifact-uri");
      });
      if (rel.data.scan) checkTime(rel, "/scan/scanned_at", rel.data.scan.scanned_at, "scan time");
      if (!img) at(rel, "", `no images/${folder}/image.yaml for this build record`, "release.image-unknown");
    }
  }

  // VOs and endorsers.
  const allVoNames = new Set<string>();
  for (const [folder, vo] of repo.vos) {
    if (!segment(folder, `${ENDORSEMENTS_DIR}/${folder}`, "VO folder")) continue;
    if (vo.data.name !== folder) at(vo, "/name", `name "${vo.data.name}" differs from its folder name "${folder}"`, "vo.name-folder");
    allVoNames.add(vo.data.name);
    if (vo.data.lifetime.default_days > vo.data.lifetime.max_days) at(vo, "/lifetime/default_days", `default ${vo.data.lifetime.default_days} days is above the maximum ${vo.data.lifetime.max_days}`, "vo.lifetime");
    const ids = new Map<string, number>();
    const logins = new Map<string, number>();
    vo.data.endorsers.forEach((e, i) => {
      if (ids.has(e.id)) at(vo, `/endorsers/${i}/id`, `endorser id "${e.id}" already used by /endorsers/${ids.get(e.id)}`, "duplicate");
      ids.set(e.id, i);
      const login = e.github.toLowerCase();
      if (logins.has(login)) at(vo, `/endorsers/${i}/github`, `GitHub login "${e.github}" already used by /endorsers/${logins.get(login)}`, "duplicate");
      logins.set(login, i);
      checkTime(vo, `/endorsers/${i}/appointed`, e.appointed, "appointment date");
      checkTime(vo, `/endorsers/${i}/until`, e.until, "appointment end", true);
      if (e.until !== undefined && parseTime(e.until) < parseTime(e.appointed)) at(vo, `/endorsers/${i}/until`, "appointment ends before it starts", "vo.endorser-dates");
    });
  }

  // Endorsements: each refers to a real appliance version, by an endorser appointed in that VO.
  for (const [voFolder, byAppliance] of repo.endorsements) {
    const vo = repo.vos.get(voFolder);
    for (const [fileAppliance, e] of byAppliance) {
      const d = e.data;
      if (!segment(fileAppliance, endorsementFile(voFolder, fileAppliance), "endorsement file name")) continue;
      if (d.appliance !== fileAppliance) at(e, "/appliance", `appliance "${d.appliance}" differs from the file name "${fileAppliance}.yaml"`, "endorsement.appliance-file");
      const img = repo.images.get(d.appliance);
      if (!img) {
        at(e, "/appliance", `unknown appliance "${d.appliance}": no ${IMAGES_DIR}/${d.appliance}/image.yaml`, "endorsement.appliance-unknown");
        continue;
      }
      if (img.data.type === "vo" && img.data.vo !== voFolder) at(e, "/appliance", `"${d.appliance}" is specific to VO ${img.data.vo}; it cannot be endorsed for ${voFolder}`, "endorsement.vo-specific");
      const rel = repo.releases.get(d.appliance)?.get(d.version);
      if (!rel) at(e, "/version", `version ${d.version} of ${d.appliance} has no build record ${IMAGES_DIR}/${d.appliance}/releases/${d.version}.yaml`, "endorsement.version-unknown");
      else {
        if (d.digest !== primaryDigest(rel.data) && !rel.data.artifacts.some((a) => d.digest === `sha512:${a.sha512}`)) {
          at(e, "/digest", `digest does not match any artifact of ${d.appliance} ${d.version} (expected ${primaryDigest(rel.data).slice(0, 23)}…)`, "endorsement.digest-mismatch");
        }
        if (!rel.data.scan) at(e, "/version", `version ${d.version} has no checklist report (scan) in its build record`, "endorsement.unscanned");
        else {
          if (rel.data.scan.result !== "pass") at(e, "/version", `version ${d.version} failed its checklist (${rel.data.scan.failed} failed checks): it cannot be endorsed`, "endorsement.scan-failed");
          if (rel.data.scan.report_sha512 !== undefined && rel.data.scan.report_sha512 !== d.checklist.report_sha512) {
            at(e, "/checklist/report_sha512", "acknowledges a different checklist report than the build record's", "endorsement.report-mismatch");
          }
        }
        const built = parseTime(rel.data.built_at);
        const endorsed = parseTime(d.endorsed_at);
        if (endorsed < built) at(e, "/endorsed_at", `endorsed at ${d.endorsed_at}, before the version was built (${rel.data.built_at})`, "endorsement.before-build");
      }
      checkTime(e, "/endorsed_at", d.endorsed_at, "endorsement time");
      if (!vo) continue;
      const endorser = endorserOf(vo.data, d.endorser);
      if (!endorser) at(e, "/endorser", `"${d.endorser}" is not an endorser appointed in VO ${vo.data.name} (${vo.file})`, "endorsement.endorser-unknown");
      else {
        const t = parseTime(d.endorsed_at);
        if (t < parseTime(endorser.appointed)) at(e, "/endorser", `${d.endorser} was appointed on ${endorser.appointed}, after this endorsement`, "endorsement.endorser-not-yet");
        if (endorser.until !== undefined && t > parseTime(endorser.until) + DAY_MS) at(e, "/endorser", `${d.endorser}'s appointment ended on ${endorser.until}`, "endorsement.endorser-ended");
      }
      if (d.lifetime_days !== undefined && d.lifetime_days > vo.data.lifetime.max_days) {
        at(e, "/lifetime_days", `${d.lifetime_days} days is above VO ${vo.data.name}'s maximum of ${vo.data.lifetime.max_days}`, "endorsement.lifetime-max");
      }
    }
  }

  // Revocations: by a CSIRT member, about a real version.
  const seenRevocations = new Set<string>();
  for (const r of repo.revocations) {
    const d = r.data;
    const name = r.file.slice(REVOCATIONS_DIR.length + 1).replace(/\.ya?ml$/, "");
    if (name !== `${d.appliance}@${d.version}`) at(r, "/appliance", `file name should be ${d.appliance}@${d.version}.yaml`, "revocation.file-name");
    const key = `${d.appliance}@${d.version}`;
    if (seenRevocations.has(key)) at(r, "", `${key} is revoked twice`, "duplicate");
    seenRevocations.add(key);
    if (!repo.images.has(d.appliance)) at(r, "/appliance", `unknown appliance "${d.appliance}"`, "revocation.appliance-unknown");
    else if (!repo.releases.get(d.appliance)?.has(d.version)) at(r, "/version", `${d.appliance} has no version ${d.version}`, "revocation.version-unknown");
    (d.vos ?? []).forEach((v, i) => {
      if (!allVoNames.has(v)) at(r, `/vos/${i}`, `unknown VO "${v}"`, "revocation.vo-unknown");
    });
    checkTime(r, "/revoked_at", d.revoked_at, "revocation time");
    const csirt = repo.config?.data.csirt.members ?? [];
    if (repo.config && !csirt.some((m) => m.email.toLowerCase() === d.revoked_by.email.toLowerCase())) {
      at(r, "/revoked_by/email", `${d.revoked_by.email} is not a CSIRT member listed in vmendorse.yaml`, "revocation.not-csirt");
    }
  }
  return out;
}

// Loads every file of a vmendorse repository: parses YAML defensively and checks each file against
// its schema. Cross-file rules live in src/validate/. Files that fail to parse or validate are left
// out of the returned Repository (their diagnostics say why), so later steps only see sound data.
import { lstatSync, readdirSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Diagnostic } from "../util/diagnostic.js";
import type { Endorsement, ImageSpec, ReleaseRecord, RepoConfig, Revocation, VoSpec } from "../model/types.js";
import { readYamlFile, type YamlFile } from "./yaml-file.js";
import { validateYaml } from "../schema/validator.js";
import { CONFIG_FILE, ENDORSEMENTS_DIR, IMAGES_DIR, REVOCATIONS_DIR, SCHEMA_OF, type FileKind } from "./layout.js";

export interface Loaded<T> {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  data: T;
  yaml: YamlFile;
}

export interface Repository {
  root: string;
  config?: Loaded<RepoConfig>;
  /** By folder name under images/. */
  images: Map<string, Loaded<ImageSpec>>;
  /** appliance folder -> version (file name) -> record. */
  releases: Map<string, Map<string, Loaded<ReleaseRecord>>>;
  /** By folder name under endorsements/. */
  vos: Map<string, Loaded<VoSpec>>;
  /** VO folder -> appliance (file name) -> endorsement. */
  endorsements: Map<string, Map<string, Loaded<Endorsement>>>;
  revocations: Loaded<Revocation>[];
}

export interface LoadResult {
  repo: Repository;
  diagnostics: Diagnostic[];
  /** Every YAML file seen, including those that failed. */
  filesRead: number;
}

const YAML_EXT = /\.yaml$/;

export function loadRepository(root: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const repo: Repository = { root, images: new Map(), releases: new Map(), vos: new Map(), endorsements: new Map(), revocations: [] };
  let filesRead = 0;
  const rootSlash = root.endsWith(sep) ? root : root + sep;
  const rel = (abs: string) => (sep === "/" && abs.startsWith(rootSlash) ? abs.slice(rootSlash.length) : relative(root, abs).split(sep).join("/"));
  const problem = (file: string, message: string, rule: string) => diagnostics.push({ file, line: 0, column: 0, field: "", message, rule });

  const load = <T>(abs: string, kind: FileKind): Loaded<T> | undefined => {
    filesRead++;
    const file = rel(abs);
    const r = readYamlFile(abs, file);
    if (!r.ok) {
      diagnostics.push(...r.diagnostics);
      return undefined;
    }
    const errs = validateYaml(SCHEMA_OF[kind], r.value);
    if (errs.length > 0) {
      diagnostics.push(...errs);
      return undefined;
    }
    return { file, data: r.value.data as T, yaml: r.value };
  };

  // Entries of a folder, refusing links (a link could point outside the repository), hidden entries
  // (nothing reads them, so they could only mislead) and, where records live, YAML files not named
  // *.yaml (they would be skipped, or shadow a record of the same name).
  const entries = (absDir: string, records = true): { name: string; abs: string; dir: boolean }[] => {
    let dirents: Dirent[];
    try {
      // With file types: no lstat per entry (the type comes from the directory listing).
      dirents = readdirSync(absDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return [];
    }
    const out: { name: string; abs: string; dir: boolean }[] = [];
    for (const d of dirents) {
      const name = d.name;
      const abs = absDir + sep + name;
      if (d.isSymbolicLink()) {
        problem(rel(abs), "symbolic links are not allowed in the repository data", "path.symlink");
        continue;
      }
      if (name.startsWith(".")) {
        if (name !== ".gitkeep") problem(rel(abs), "unexpected hidden entry: nothing reads it; remove or rename it", "path.unexpected");
        continue;
      }
      if (records && (/\.yml$/i.test(name) || (/\.yaml$/i.test(name) && !YAML_EXT.test(name)))) {
        problem(rel(abs), "unexpected entry: YAML files are named *.yaml (lower case)", "path.unexpected");
        continue;
      }
      out.push({ name, abs, dir: d.isDirectory() });
    }
    return out;
  };
  // A top-level data folder must be a real folder inside the repository.
  const dataDir = (name: string): string | undefined => {
    const abs = join(root, name);
    try {
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) problem(name, "symbolic links are not allowed in the repository data", "path.symlink");
      else if (!st.isDirectory()) problem(name, "expected a folder", "path.unexpected");
      else return abs;
    } catch {
      // A repository may lack a folder (e.g. no revocations yet).
    }
    return undefined;
  };

  const configAbs = join(root, CONFIG_FILE);
  try {
    lstatSync(configAbs);
    repo.config = load<RepoConfig>(configAbs, "config");
  } catch {
    problem(CONFIG_FILE, "missing: the repository configuration file is required", "config.missing");
  }

  const imagesDir = dataDir(IMAGES_DIR);
  for (const img of imagesDir ? entries(imagesDir) : []) {
    if (!img.dir) {
      if (YAML_EXT.test(img.name)) problem(rel(img.abs), "unexpected file: images/ holds one folder per appliance", "path.unexpected");
      continue;
    }
    // An image folder may hold build files (templates, playbooks) besides image.yaml and releases/.
    const children = entries(img.abs, false);
    const spec = children.find((c) => c.name === "image.yaml");
    if (!spec) {
      problem(rel(img.abs), "image folder without image.yaml", "image.missing");
    } else {
      const loaded = load<ImageSpec>(spec.abs, "image");
      if (loaded) repo.images.set(img.name, loaded);
    }
    const releasesDir = children.find((c) => c.name === "releases" && c.dir);
    if (releasesDir) {
      const map = new Map<string, Loaded<ReleaseRecord>>();
      for (const f of entries(releasesDir.abs)) {
        if (f.dir || !YAML_EXT.test(f.name)) {
          problem(rel(f.abs), "unexpected entry: releases/ holds only <version>.yaml build records", "path.unexpected");
          continue;
        }
        const loaded = load<ReleaseRecord>(f.abs, "release");
        if (loaded) map.set(f.name.replace(YAML_EXT, ""), loaded);
      }
      repo.releases.set(img.name, map);
    }
    for (const c of children) {
      if (!c.dir && YAML_EXT.test(c.name) && c.name !== "image.yaml") {
        problem(rel(c.abs), "unexpected YAML file: an image folder holds image.yaml and releases/", "path.unexpected");
      }
    }
  }

  const endorsementsDir = dataDir(ENDORSEMENTS_DIR);
  for (const voDir of endorsementsDir ? entries(endorsementsDir) : []) {
    if (!voDir.dir) {
      if (YAML_EXT.test(voDir.name)) problem(rel(voDir.abs), "unexpected file: endorsements/ holds one folder per VO", "path.unexpected");
      continue;
    }
    const map = new Map<string, Loaded<Endorsement>>();
    for (const f of entries(voDir.abs)) {
      if (f.dir || !YAML_EXT.test(f.name)) {
        problem(rel(f.abs), "unexpected entry: a VO folder holds vo.yaml and <appliance>.yaml files", "path.unexpected");
        continue;
      }
      if (f.name === "vo.yaml") {
        const loaded = load<VoSpec>(f.abs, "vo");
        if (loaded) repo.vos.set(voDir.name, loaded);
      } else {
        const loaded = load<Endorsement>(f.abs, "endorsement");
        if (loaded) map.set(f.name.replace(YAML_EXT, ""), loaded);
      }
    }
    if (!repo.vos.has(voDir.name) && !diagnostics.some((d) => d.file === `${ENDORSEMENTS_DIR}/${voDir.name}/vo.yaml`)) {
      problem(rel(voDir.abs), "VO folder without vo.yaml", "vo.missing");
    }
    repo.endorsements.set(voDir.name, map);
  }

  const revocationsDir = dataDir(REVOCATIONS_DIR);
  for (const f of revocationsDir ? entries(revocationsDir) : []) {
    if (f.dir || !YAML_EXT.test(f.name)) {
      if (f.name !== "README.md") problem(rel(f.abs), "unexpected entry: revocations/ holds <appliance>@<version>.yaml files", "path.unexpected");
      continue;
    }
    const loaded = load<Revocation>(f.abs, "revocation");
    if (loaded) repo.revocations.push(loaded);
  }

  return { repo, diagnostics, filesRead };
}

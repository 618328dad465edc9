// Loads every file of a vmendorse repository: parses YAML defensively and checks each file against
// its schema. Cross-file rules live in src/validate/. Files that fail to parse or validate are left
// out of the returned Repository (their diagnostics say why), so later steps only see sound data.
import { lstatSync, readdirSync } from "node:fs";
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

const YAML_EXT = /\.ya?ml$/;

export function loadRepository(root: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const repo: Repository = { root, images: new Map(), releases: new Map(), vos: new Map(), endorsements: new Map(), revocations: [] };
  let filesRead = 0;
  const rel = (abs: string) => relative(root, abs).split(sep).join("/");
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

  // Entries of a folder, refusing links (a link could point outside the repository) and odd names.
  const entries = (absDir: string): { name: string; abs: string; dir: boolean }[] => {
    let names: string[];
    try {
      names = readdirSync(absDir).sort();
    } catch {
      return [];
    }
    const out: { name: string; abs: string; dir: boolean }[] = [];
    for (const name of names) {
      const abs = join(absDir, name);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        problem(rel(abs), "symbolic links are not allowed in the repository data", "path.symlink");
        continue;
      }
      if (name.startsWith(".")) continue;
      out.push({ name, abs, dir: st.isDirectory() });
    }
    return out;
  };

  const configAbs = join(root, CONFIG_FILE);
  try {
    lstatSync(configAbs);
    repo.config = load<RepoConfig>(configAbs, "config");
  } catch {
    problem(CONFIG_FILE, "missing: the repository configuration file is required", "config.missing");
  }

  for (const img of entries(join(root, IMAGES_DIR))) {
    if (!img.dir) continue;
    const children = entries(img.abs);
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

  for (const voDir of entries(join(root, ENDORSEMENTS_DIR))) {
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

  for (const f of entries(join(root, REVOCATIONS_DIR))) {
    if (f.dir || !YAML_EXT.test(f.name)) {
      if (f.name !== "README.md") problem(rel(f.abs), "unexpected entry: revocations/ holds <appliance>@<version>.yaml files", "path.unexpected");
      continue;
    }
    const loaded = load<Revocation>(f.abs, "revocation");
    if (loaded) repo.revocations.push(loaded);
  }

  return { repo, diagnostics, filesRead };
}

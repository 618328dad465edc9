// Where each kind of file lives in a vmendorse repository: the one place that knows the layout.
import { join } from "node:path";

export const CONFIG_FILE = "vmendorse.yaml";
export const IMAGES_DIR = "images";
export const ENDORSEMENTS_DIR = "endorsements";
export const REVOCATIONS_DIR = "revocations";
export const SCHEMAS_DIR = "schemas";
export const CODEOWNERS_FILE = join(".github", "CODEOWNERS");

export const imageFile = (appliance: string) => join(IMAGES_DIR, appliance, "image.yaml");
export const releasesDir = (appliance: string) => join(IMAGES_DIR, appliance, "releases");
export const releaseFile = (appliance: string, version: string) => join(releasesDir(appliance), `${version}.yaml`);
export const voFile = (vo: string) => join(ENDORSEMENTS_DIR, vo, "vo.yaml");
export const endorsementFile = (vo: string, appliance: string) => join(ENDORSEMENTS_DIR, vo, `${appliance}.yaml`);
export const revocationFile = (appliance: string, version: string) => join(REVOCATIONS_DIR, `${appliance}@${version}.yaml`);

/** Name of a built artifact as in the seed procedure: <os>-<osversion>-YYYYMMDD.<ext>. */
export const artifactName = (distribution: string, osVersion: string, version: string, ext: string) => `${distribution}-${osVersion}-${version}.${ext}`;

/** Schema file for each kind of repository file. */
export const SCHEMA_OF = {
  config: "config.schema.json",
  image: "image.schema.json",
  release: "release.schema.json",
  vo: "vo.schema.json",
  endorsement: "endorsement.schema.json",
  revocation: "revocation.schema.json",
  imagelist: "imagelist.schema.json",
} as const;
export type FileKind = keyof typeof SCHEMA_OF;

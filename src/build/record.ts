// The build record images/<appliance>/releases/<version>.yaml (pure): what was built, when, by which
// builder and tool versions, with the digests and sizes of every published file.
import type { Artifact, ReleaseRecord } from "../model/types.js";
import { toYamlDocument } from "../author/documents.js";

export interface RecordInput {
  appliance: string;
  version: string;
  builtAt: string;
  builder: ReleaseRecord["builder"];
  source?: { commit?: string; run?: string };
  /** Base URI of the appliance repository (vmendorse.yaml repository.appliances). */
  appliancesUri: string;
  artifacts: Omit<Artifact, "uri">[];
  packages: { count: number; manifest: string; sha512: string };
  sbom: { file: string; sha512: string; specVersion: string };
}

export function artifactUri(appliancesUri: string, appliance: string, file: string): string {
  return `${appliancesUri.replace(/\/+$/, "")}/${appliance}/${file}`;
}

export function releaseRecord(i: RecordInput): ReleaseRecord {
  const uri = (file: string) => artifactUri(i.appliancesUri, i.appliance, file);
  const source = i.source && (i.source.commit || i.source.run) ? { source: i.source } : {};
  return {
    appliance: i.appliance,
    version: i.version,
    built_at: i.builtAt,
    ...source,
    builder: i.builder,
    artifacts: i.artifacts.map((a) => ({
      format: a.format,
      file: a.file,
      uri: uri(a.file),
      size: a.size,
      ...(a.virtual_size !== undefined ? { virtual_size: a.virtual_size } : {}),
      sha512: a.sha512,
      ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}),
    })),
    packages: i.packages,
    sbom: { format: "CycloneDX", spec_version: i.sbom.specVersion, file: i.sbom.file, uri: uri(i.sbom.file), sha512: i.sbom.sha512 },
  };
}

export function releaseRecordText(r: ReleaseRecord): string {
  return toYamlDocument(r, "../../../schemas/release.schema.json");
}

/** A GitHub Actions run URL from the environment, when the build runs there. */
export function ciRunUri(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined;
  if (!/^https:\/\//.test(GITHUB_SERVER_URL) || !/^[\w.-]+\/[\w.-]+$/.test(GITHUB_REPOSITORY) || !/^\d+$/.test(GITHUB_RUN_ID)) return undefined;
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`;
}

// CycloneDX 1.5 SBOM (JSON) of an image: the operating system as the described component and one
// component per installed package with its package URL (purl) and exact version.
import { randomUUID } from "node:crypto";
import type { ImageSpec } from "../model/types.js";
import type { InstalledPackage } from "./packages.js";

export interface PurlContext {
  type: "deb" | "rpm";
  /** debian, ubuntu, almalinux */
  namespace: string;
  /** Value of the distro qualifier, e.g. debian-12. */
  distro: string;
}

export function purlContext(spec: ImageSpec): PurlContext {
  const d = spec.os.distribution;
  return { type: d === "almalinux" ? "rpm" : "deb", namespace: d, distro: `${d}-${spec.os.version}` };
}

// As the purl reference implementation: percent-encode, but keep ':' readable.
const enc = (s: string) => encodeURIComponent(s).replace(/%3A/g, ":");

/** pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12; rpm epochs go to a qualifier. */
export function purl(p: InstalledPackage, c: PurlContext): string {
  let version = p.version;
  const q: [string, string][] = [["arch", p.arch]];
  if (c.type === "rpm") {
    const m = /^(\d+):(.*)$/.exec(version);
    if (m) {
      version = m[2]!;
      q.push(["epoch", m[1]!]);
    }
  }
  q.push(["distro", c.distro]);
  q.sort((a, b) => a[0].localeCompare(b[0]));
  return `pkg:${c.type}/${enc(c.namespace)}/${enc(p.name)}@${enc(version)}?${q.map(([k, v]) => `${k}=${enc(v)}`).join("&")}`;
}

export interface SbomInput {
  spec: ImageSpec;
  version: string;
  builtAt: string;
  packages: InstalledPackage[];
  tools: Record<string, string>;
  serial?: string;
}

export const CYCLONEDX_SPEC_VERSION = "1.5";

export function cycloneDx(i: SbomInput): Record<string, unknown> {
  const c = purlContext(i.spec);
  const rootRef = `appliance:${i.spec.id}@${i.version}`;
  const components = i.packages.map((p) => {
    const ref = purl(p, c);
    const properties = [{ name: "vmendorse:package:arch", value: p.arch }];
    if (p.source) properties.push({ name: "vmendorse:package:source", value: p.source });
    if (p.sourceVersion) properties.push({ name: "vmendorse:package:source-version", value: p.sourceVersion });
    return { type: "library", "bom-ref": ref, name: p.name, version: p.version, purl: ref, properties };
  });
  return {
    $schema: "http://cyclonedx.org/schema/bom-1.5.schema.json",
    bomFormat: "CycloneDX",
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: `urn:uuid:${i.serial ?? randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: i.builtAt,
      lifecycles: [{ phase: "build" }],
      tools: { components: Object.entries(i.tools).map(([name, version]) => ({ type: "application", name, version })) },
      component: {
        type: "operating-system",
        "bom-ref": rootRef,
        name: i.spec.id,
        version: i.version,
        description: i.spec.title,
        properties: [
          { name: "vmendorse:os:distribution", value: i.spec.os.distribution },
          { name: "vmendorse:os:version", value: i.spec.os.version },
          { name: "vmendorse:os:arch", value: i.spec.os.arch },
        ],
      },
    },
    components,
    dependencies: [{ ref: rootRef, dependsOn: components.map((x) => x["bom-ref"]) }],
  };
}

// HEPiX image lists (hv:imagelist), one per VO, for vmcatcher, cloudkeeper and atrope consumers.
// Keys follow hepixvmitrust plus the AppDB VO-wide additions those consumers require
// (list ad:vo; per image ad:mpuri, ad:group, ad:user:*, hv:format, sl:osname, dc:date:expires).
import type { ImageList, ImageListEntry, RepoConfig, VoSpec } from "../model/types.js";
import { uuidv5 } from "./uuid.js";

/** Namespace for every name-based UUID this project derives. */
export const NAMESPACE = "0b4c2f3e-6f0a-5a7b-9c1d-2e3f4a5b6c7d";

const OS_NAMES: Record<string, string> = { debian: "Debian", ubuntu: "Ubuntu", almalinux: "AlmaLinux" };
const FORMAT_NAMES: Record<string, string> = { qcow2: "QCOW2", ova: "OVA", raw: "RAW", vmdk: "VMDK" };

export interface HepixOptions {
  config: RepoConfig;
  vo: VoSpec;
  /** URL where this VO's HEPiX list is published. */
  uri: string;
}

export type HepixList = { "hv:imagelist": Record<string, unknown> };

export function hepixFileName(vo: string): string {
  return `${vo}.imagelist.json`;
}

export function toHepix(list: ImageList, { config, vo, uri }: HepixOptions): HepixList {
  const entries = list.vos[vo.name]?.images ?? [];
  // The list-level endorser: the first endorser with an X.509 identity (for S/MIME-signing sites).
  const signer = vo.endorsers.find((e) => e.x509) ?? vo.endorsers[0]!;
  return {
    "hv:imagelist": {
      "dc:date:created": list.issued,
      "dc:date:expires": list.expires,
      "dc:identifier": uuidv5(`${list.identifier}/${vo.name}`, NAMESPACE),
      "dc:description": `Images endorsed for the ${vo.name} VO: ${vo.description}`,
      "dc:title": `${vo.name} endorsed images`,
      "dc:source": config.repository.url,
      "hv:version": String(list.serial),
      "hv:uri": uri,
      "ad:vo": vo.name,
      "hv:endorser": {
        "hv:x509": {
          "dc:creator": signer.name,
          "hv:ca": signer.x509?.ca ?? "",
          "hv:dn": signer.x509?.dn ?? "",
          "hv:email": signer.email,
        },
      },
      "hv:images": entries.flatMap((e) => e.artifacts.map((a) => ({ "hv:image": hepixImage(e, a, vo.name, config) }))),
    },
  };
}

function hepixImage(e: ImageListEntry, a: ImageListEntry["artifacts"][number], vo: string, config: RepoConfig): Record<string, unknown> {
  const mp = config.repository.marketplace ?? config.repository.url;
  return {
    "dc:identifier": uuidv5(`${e.appliance}/${a.format}`, NAMESPACE),
    "dc:title": `${e.title} [${FORMAT_NAMES[a.format] ?? a.format}]`,
    "dc:description": e.description ?? e.title,
    "dc:date:created": e.built_at ?? e.endorsed_at,
    "dc:date:expires": e.expires_at,
    "hv:version": e.version,
    "hv:uri": a.uri,
    "hv:size": String(a.size),
    "sl:checksum:sha512": a.sha512,
    "hv:format": FORMAT_NAMES[a.format] ?? a.format.toUpperCase(),
    "hv:hypervisor": "QEMU,KVM",
    "sl:arch": e.os.arch,
    "sl:os": "Linux",
    "sl:osname": OS_NAMES[e.os.distribution] ?? e.os.distribution,
    "sl:osversion": e.os.version,
    "sl:comments": `Endorsed by ${e.endorser.name} on ${e.endorsed_at} until ${e.expires_at}${e.scan ? `; checklist ${e.scan.result} (${e.scan.passed} passed, ${e.scan.waived} waived)` : ""}`,
    "hv:ram_minimum": String(e.resources?.ram_minimum_mb ?? ""),
    "ad:ram_recommended": String(e.resources?.ram_recommended_mb ?? ""),
    "hv:core_minimum": String(e.resources?.cores_minimum ?? ""),
    "ad:core_recommended": String(e.resources?.cores_recommended ?? ""),
    "ad:vo": vo,
    "ad:mpuri": `${mp.replace(/\/$/, "")}/${e.appliance}/${e.version}`,
    "ad:appid": e.appliance,
    "ad:group": e.type === "egi" ? "EGI endorsed images" : `${vo} images`,
    "ad:user:fullname": e.endorser.name,
    "ad:user:guid": uuidv5(`endorser:${e.endorser.email.toLowerCase()}`, NAMESPACE),
    "ad:user:uri": e.endorser.github ? `https://github.com/${e.endorser.github}` : `mailto:${e.endorser.email}`,
  };
}

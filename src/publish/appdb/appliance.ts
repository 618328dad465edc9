// The AppDB form of a release (REST API v1.0, namespace http://appdb.egi.eu/api/1.0/virtualization,
// shaped after AppDB's own virtualization.xsd and its vmcaster-to-API transform): one appliance version
// with one image per disk artifact — format, hypervisors, arch, OS, identifier, size, URL, SHA-512,
// cores and RAM (minimum and recommended). And the reading of AppDB's answer back into versions.
import type { ReleasePlan } from "../plan.js";
import { uuidv5 } from "../../compose/uuid.js";
import { NAMESPACE } from "../../compose/hepix.js";
import { escapeXml, child, children, descendants, type XmlElement } from "./xml.js";

export const NS_VIRTUALIZATION = "http://appdb.egi.eu/api/1.0/virtualization";
export const NS_APPLICATION = "http://appdb.egi.eu/api/1.0/application";

/** AppDB's controlled vocabularies: name (lower case) -> id. */
export interface Vocabularies {
  hypervisors: Map<string, string>;
  formats: Map<string, string>;
  archs: Map<string, string>;
}

export interface ImageFacts {
  url: string;
  sha512: string;
  size: number;
}

export interface AppdbVersion {
  id: string;
  version: string;
  published: boolean;
  images: ImageFacts[];
}

const OS_NAMES: Record<string, string> = { debian: "Debian", ubuntu: "Ubuntu", almalinux: "AlmaLinux" };
export const HYPERVISORS = ["QEMU", "KVM"];
const FORMAT_NAMES: Record<string, string> = { qcow2: "QCOW2", ova: "OVA", raw: "RAW", vmdk: "VMDK" };

/** AppDB lets a version expire after 3, 6, 9 or 12 months: the shortest that covers the rebuild period. */
export function expiresOn(builtAt: string, maxAgeDays: number): string {
  const months = [3, 6, 9, 12].find((m) => m * 28 >= maxAgeDays) ?? 12;
  const d = new Date(builtAt);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function vocabId(v: Map<string, string>, name: string, kind: string): string {
  const id = v.get(name.toLowerCase());
  if (id === undefined) throw new Error(`AppDB has no ${kind} named "${name}" (known: ${[...v.keys()].join(", ") || "none"})`);
  return id;
}

/** The format element is plain text in the schema; the name must still be one AppDB knows. */
function knownName(v: Map<string, string>, name: string, kind: string): string {
  vocabId(v, name, kind);
  return name;
}

export interface ApplianceXmlOptions {
  appId: string;
  vocab: Vocabularies;
  published: boolean;
  /** The existing version's id when updating (POST). */
  versionId?: string;
}

/** The virtualization:appliance document registering (or updating) one version. */
export function applianceXml(plan: ReleasePlan, o: ApplianceXmlOptions): string {
  const uriOf = (file: string) => plan.release.artifacts.find((a) => a.file === file)?.uri ?? "";
  const img = plan.image;
  const disks = plan.files.filter((f) => f.role === "disk");
  const e = escapeXml;
  const images = disks.map((d) => {
    const format = FORMAT_NAMES[d.format ?? ""] ?? (d.format ?? "").toUpperCase();
    return [
      `      <virtualization:instance version="${e(plan.version)}" integrity="false">`,
      `        <virtualization:identifier>${uuidv5(`${plan.appliance}/${d.format}`, NAMESPACE)}</virtualization:identifier>`,
      `        <virtualization:title>${e(`${img.title} [${format}]`)}</virtualization:title>`,
      `        <virtualization:description>${e(img.description.replace(/\s+/g, " ").trim())}</virtualization:description>`,
      `        <virtualization:url>${e(uriOf(d.name))}</virtualization:url>`,
      `        <virtualization:checksum hash="sha512">${d.sha512}</virtualization:checksum>`,
      `        <virtualization:size>${d.size}</virtualization:size>`,
      `        <virtualization:format>${e(knownName(o.vocab.formats, format, "VM image format"))}</virtualization:format>`,
      `        <virtualization:arch id="${e(vocabId(o.vocab.archs, img.os.arch, "architecture"))}">${e(img.os.arch)}</virtualization:arch>`,
      `        <virtualization:os version="${e(img.os.version)}" familyid="Linux">${e(OS_NAMES[img.os.distribution] ?? img.os.distribution)}</virtualization:os>`,
      ...HYPERVISORS.map((h) => `        <virtualization:hypervisor id="${e(vocabId(o.vocab.hypervisors, h, "hypervisor"))}">${h}</virtualization:hypervisor>`),
      `        <virtualization:cores minimum="${img.resources.cores.minimum}" recommended="${img.resources.cores.recommended}"/>`,
      `        <virtualization:ram minimum="${img.resources.ram_mb.minimum}" recommended="${img.resources.ram_mb.recommended}"/>`,
      `      </virtualization:instance>`,
    ].join("\n");
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<virtualization:appliance xmlns:virtualization="${NS_VIRTUALIZATION}" xmlns:application="${NS_APPLICATION}" appid="${e(o.appId)}">`,
    `  <virtualization:instance${o.versionId ? ` id="${e(o.versionId)}"` : ""} version="${e(plan.version)}" published="${o.published}" enabled="true" archived="false" createdon="${e(plan.release.built_at)}" expireson="${expiresOn(plan.release.built_at, img.update_policy.max_age_days)}" status="verified">`,
    `    <virtualization:identifier>${uuidv5(`${plan.appliance}@${plan.version}`, NAMESPACE)}</virtualization:identifier>`,
    `    <virtualization:notes>${e(`${img.title} ${plan.version}, built ${plan.release.built_at}${plan.release.scan ? `; checklist ${plan.release.scan.result}` : ""}`)}</virtualization:notes>`,
    `    <virtualization:image>`,
    `      <virtualization:group>${e(img.title)}</virtualization:group>`,
    `      <virtualization:notes>${e(img.title)}</virtualization:notes>`,
    ...images,
    `    </virtualization:image>`,
    `  </virtualization:instance>`,
    `</virtualization:appliance>`,
    "",
  ].join("\n");
}

/** What AppDB should hold for this release's images. */
export function expectedImages(plan: ReleasePlan): ImageFacts[] {
  return plan.release.artifacts.map((a) => ({ url: a.uri, sha512: a.sha512, size: a.size }));
}

/** The versions an appliance document lists, with the facts we compare (URL, SHA-512, size). */
export function readVersions(appliance: XmlElement): AppdbVersion[] {
  return children(appliance, "instance").map((inst) => ({
    id: inst.attrs.id ?? "",
    version: inst.attrs.version ?? "",
    published: inst.attrs.published === "true",
    images: children(inst, "image").flatMap((img) =>
      children(img, "instance").map((ii) => ({
        url: (child(ii, "url")?.text ?? "").trim(),
        sha512: (children(ii, "checksum").find((c) => (c.attrs.hash ?? c.attrs.hashtype) === "sha512")?.text ?? "").trim(),
        size: Number((child(ii, "size")?.text ?? "").trim()),
      })),
    ),
  }));
}

/** A vocabulary answer: elements named `local` with an id attribute and the name as text. */
export function readVocabulary(doc: XmlElement, local: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const el of descendants(doc, local)) {
    const id = el.attrs.id;
    const name = (el.attrs.name ?? el.text).trim();
    if (id && name) out.set(name.toLowerCase(), id);
  }
  return out;
}

export function sameImages(a: ImageFacts[], b: ImageFacts[]): boolean {
  const key = (x: ImageFacts) => `${x.url}|${x.sha512}|${x.size}`;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

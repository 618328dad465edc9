// OVF 1.0 descriptor and manifest of an OVA (pure text). The seed procedure publishes images as an OVA:
// a VMDK disk plus the OVF description of the virtual machine. CIM requires the rasd/vssd elements
// in alphabetical order, so items are written from sorted keys.
import type { ImageSpec } from "../model/types.js";

export interface OvfInput {
  spec: ImageSpec;
  version: string;
  /** Base name of the OVA's files, e.g. debian-12-20261123. */
  name: string;
  diskFile: string;
  diskFileSize: number;
  /** Virtual size of the disk in bytes. */
  capacity: number;
  /** Bytes actually used by the guest (optional). */
  populatedSize?: number;
}

/** CIM operating system ids (CIM_OperatingSystem.OsType) for 64-bit guests. */
const OS_IDS: Record<ImageSpec["os"]["distribution"], { id: number; name: string }> = {
  debian: { id: 96, name: "Debian 64-bit" },
  ubuntu: { id: 94, name: "Ubuntu 64-bit" },
  almalinux: { id: 80, name: "RedHat Enterprise Linux 64-bit" },
};

export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

function item(fields: Record<string, string | number | boolean>, indent: string): string {
  const lines = Object.keys(fields).sort().map((k) => `${indent}  <rasd:${k}>${xmlEscape(String(fields[k]))}</rasd:${k}>`);
  return `${indent}<Item>\n${lines.join("\n")}\n${indent}</Item>`;
}

export function ovfDescriptor(o: OvfInput): string {
  const { spec } = o;
  const os = OS_IDS[spec.os.distribution];
  const i = "      ";
  const items = [
    item({ AllocationUnits: "hertz * 10^6", Description: "Number of virtual CPUs", ElementName: `${spec.resources.cores.recommended} virtual CPU(s)`, InstanceID: 1, ResourceType: 3, VirtualQuantity: spec.resources.cores.recommended }, i),
    item({ AllocationUnits: "byte * 2^20", Description: "Memory size", ElementName: `${spec.resources.ram_mb.recommended} MB of memory`, InstanceID: 2, ResourceType: 4, VirtualQuantity: spec.resources.ram_mb.recommended }, i),
    item({ Address: 0, Description: "IDE Controller", ElementName: "ideController0", InstanceID: 3, ResourceSubType: "PIIX4", ResourceType: 5 }, i),
    item({ AddressOnParent: 0, ElementName: "disk1", HostResource: "ovf:/disk/vmdisk1", InstanceID: 4, Parent: 3, ResourceType: 17 }, i),
    item({ AutomaticAllocation: true, Connection: "VM Network", Description: "Network adapter", ElementName: "ethernet0", InstanceID: 5, ResourceSubType: "E1000", ResourceType: 10 }, i),
  ];
  const vsId = `${spec.id}-${o.version}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- ${xmlEscape(spec.title)} ${xmlEscape(o.version)}, built by vmendorse -->
<Envelope ovf:version="1.0" xml:lang="en-US"
    xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="${xmlEscape(o.diskFile)}" ovf:id="file1" ovf:size="${o.diskFileSize}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="${o.capacity}" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"${o.populatedSize !== undefined ? ` ovf:populatedSize="${o.populatedSize}"` : ""}/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network">
      <Description>The VM Network network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${xmlEscape(vsId)}">
    <Info>A virtual machine</Info>
    <Name>${xmlEscape(o.name)}</Name>
    <AnnotationSection>
      <Info>A human-readable annotation</Info>
      <Annotation>${xmlEscape(spec.description.trim())}</Annotation>
    </AnnotationSection>
    <ProductSection>
      <Info>Meta-information about the installed software</Info>
      <Product>${xmlEscape(spec.title)}</Product>
      <Vendor>${xmlEscape(spec.maintainers[0]?.name ?? "")}</Vendor>
      <Version>${xmlEscape(o.version)}</Version>
      <FullVersion>${xmlEscape(`${spec.id} ${o.version}`)}</FullVersion>
    </ProductSection>
    <OperatingSystemSection ovf:id="${os.id}">
      <Info>The kind of installed guest operating system</Info>
      <Description>${xmlEscape(`${os.name} (${spec.os.distribution} ${spec.os.version})`)}</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${xmlEscape(o.name)}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-07</vssd:VirtualSystemType>
      </System>
${items.join("\n")}
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;
}

/** OVF manifest: one "SHA256(file)= hex" line per file of the package. */
export function ovfManifest(digests: { file: string; sha256: string }[]): string {
  return digests.map((d) => `SHA256(${d.file})= ${d.sha256}\n`).join("");
}

/** Parses a manifest back (used to check a package). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^SHA256\(([^)]+)\)= ([0-9a-f]{64})$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
    else if (line.trim()) throw new Error(`manifest line not understood: ${line}`);
  }
  return out;
}

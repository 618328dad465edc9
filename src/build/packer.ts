// The packer builder (Ubuntu, AlmaLinux): runs the image folder's HCL template with packer's qemu
// builder, which installs the distribution from its net-install ISO with KVM. The template's contract
// with vmendorse (checked by test/build/packer-templates.test.ts):
//   - variables `output_directory` and `version` (set by vmendorse; other variables from image.yaml);
//   - it leaves `<output_directory>/disk.qcow2` and `<output_directory>/packages.tsv`, the package
//     list in PACKAGE_QUERY's format, taken after the upgrade.
// This needs a runner with packer and a usable /dev/kvm (see docs/building.md); without them the
// build is refused before anything is written.
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImageSpec, PackerBuilder } from "../model/types.js";
import { RefusedError } from "../util/diagnostic.js";
import { kvmUsable } from "../vm/host.js";
import { runOk } from "../vm/process.js";
import { DPKG_QUERY_FORMAT, parseDpkgQuery, parseRpmQuery, RPM_QUERY_FORMAT, type InstalledPackage } from "./packages.js";

/** The commands a template runs inside the VM to write packages.tsv. */
export const PACKAGE_QUERY = {
  deb: `dpkg-query -W -f '${DPKG_QUERY_FORMAT}'`,
  rpm: `rpm -qa --qf '${RPM_QUERY_FORMAT}'`,
} as const;

export const PACKER_OUTPUT_DISK = "disk.qcow2";
export const PACKER_OUTPUT_PACKAGES = "packages.tsv";

export interface PackerBuildOptions {
  spec: ImageSpec;
  builder: PackerBuilder;
  imageDir: string;
  work: string;
  version: string;
  progress: (line: string) => void;
}

export function packerVars(b: PackerBuilder, outputDirectory: string, version: string): string[] {
  const vars: Record<string, string> = { ...(b.variables ?? {}), output_directory: outputDirectory, version };
  return Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
}

export async function buildWithPacker(o: PackerBuildOptions): Promise<{ disk: string; packages: InstalledPackage[] }> {
  const template = join(o.imageDir, o.builder.template);
  if (!existsSync(template) || !lstatSync(template).isFile()) throw new RefusedError(`packer template ${template} does not exist`);
  if (!kvmUsable()) throw new RefusedError("packer's qemu builder needs KVM: /dev/kvm is missing or not accessible on this host (run packer builds on a runner with KVM, see docs/building.md)");
  const out = join(o.work, "packer");
  const report = (line: string) => o.progress(`  packer: ${line.slice(0, 200)}`);
  o.progress(`packer init ${o.builder.template}`);
  await runOk("packer", ["init", template], { cwd: o.imageDir, timeoutMs: 10 * 60_000, onLine: report });
  o.progress(`packer build ${o.builder.template} (qemu with KVM, installs from the net-install ISO)`);
  await runOk("packer", ["build", "-color=false", "-timestamp-ui", ...packerVars(o.builder, out, o.version), template], {
    cwd: o.imageDir, timeoutMs: 120 * 60_000, onLine: report, env: { ...process.env, PACKER_NO_COLOR: "1" },
  });
  const disk = join(out, PACKER_OUTPUT_DISK);
  const list = join(out, PACKER_OUTPUT_PACKAGES);
  if (!existsSync(disk)) throw new Error(`packer finished without ${PACKER_OUTPUT_DISK} in its output directory`);
  if (!existsSync(list)) throw new Error(`packer finished without ${PACKER_OUTPUT_PACKAGES} (the template must download the package list)`);
  const text = readFileSync(list, "utf8");
  const packages = o.spec.os.distribution === "almalinux" ? parseRpmQuery(text) : parseDpkgQuery(text);
  return { disk, packages };
}

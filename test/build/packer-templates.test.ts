// The packer templates cannot run here (no packer binary in Debian, and packer's qemu builder wants
// KVM and the distributions' ISOs from the internet). What is checked instead, with real parsers:
// each template parses with HashiCorp's own HCL parser (hcl2json is hashicorp/hcl compiled to
// WebAssembly), keeps the contract with `vmendorse build` (src/build/packer.ts), refers only to
// variables it declares and files that exist; its shell scripts pass `sh -n`; its autoinstall /
// kickstart answers render and say what the procedure asks; its cloud-init settings are exactly the
// ones the Debian builder writes.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { parse as parseYaml } from "yaml";
import type { ImageSpec } from "../../src/model/types.js";
import { PACKAGE_QUERY, PACKER_OUTPUT_DISK, PACKER_OUTPUT_PACKAGES } from "../../src/build/packer.js";
import { cloudInitConfig } from "../../src/build/debian/files.js";

const ROOT = join(import.meta.dirname, "..", "..");
const IMAGES = join(ROOT, "images");

interface Packer {
  packer: { required_plugins: Record<string, { source: string; version: string }>[] }[];
  variable: Record<string, { default?: unknown; type: string }[]>;
  locals?: Record<string, string>[];
  source: Record<string, Record<string, Record<string, unknown>[]>>;
  build: { name?: string; sources: string[]; provisioner: Record<string, Record<string, unknown>[]> }[];
}

const packerImages = readdirSync(IMAGES).filter((d) => existsSync(join(IMAGES, d, "image.yaml"))).map((d) => {
  const spec = parseYaml(readFileSync(join(IMAGES, d, "image.yaml"), "utf8")) as ImageSpec;
  return { dir: join(IMAGES, d), spec };
}).filter((i) => i.spec.builder.type === "packer");

describe("packer templates", () => {
  it("covers every packer image of the repository (the three examples at least)", () => {
    expect(packerImages.map((i) => i.spec.id)).toEqual(expect.arrayContaining(["biomed.galaxy", "egi.almalinux.9", "egi.ubuntu.24.04"]));
  });

  it("HashiCorp's HCL parser rejects a broken template (the check can fail)", async () => {
    await expect(parseHcl("broken.pkr.hcl", 'source "qemu" "x" {\n  format = "qcow2"\n')).rejects.toThrow(/Unclosed configuration block/);
  });

  for (const { dir, spec } of packerImages) {
    const b = spec.builder as { type: "packer"; template: string };
    const templatePath = join(dir, b.template);
    const text = readFileSync(templatePath, "utf8");
    const load = async () => (await parseHcl(b.template, text)) as unknown as Packer;
    const only = <T>(xs: T[] | undefined, what: string): T => {
      expect(xs, what).toHaveLength(1);
      return xs![0]!;
    };

    describe(`${spec.id} (${b.template})`, () => {
      it("parses, requires the qemu plugin, declares the variables vmendorse sets, uses only declared variables", async () => {
        const t = await load();
        const plugins = Object.assign({}, ...only(t.packer, "packer block").required_plugins) as Record<string, { source: string }>;
        expect(plugins.qemu?.source).toBe("github.com/hashicorp/qemu");
        // Set by vmendorse on the command line: no default.
        for (const v of ["output_directory", "version"]) expect(only(t.variable[v], `variable ${v}`).default).toBeUndefined();
        const used = new Set([...text.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]!));
        const declared = new Set(Object.keys(t.variable));
        expect([...used].filter((u) => !declared.has(u))).toEqual([]);
        const locals = new Set((t.locals ?? []).flatMap((l) => Object.keys(l)));
        const usedLocals = [...text.matchAll(/\blocal\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]!);
        expect(usedLocals.filter((u) => !locals.has(u))).toEqual([]);
        // Variables image.yaml passes must exist in the template.
        for (const k of Object.keys((spec.builder as { variables?: Record<string, string> }).variables ?? {})) expect(declared.has(k), k).toBe(true);
      });

      it("builds one qemu source with KVM into <output_directory>/disk.qcow2 and shuts down by itself", async () => {
        const t = await load();
        const sources = Object.entries(t.source.qemu ?? {});
        expect(sources).toHaveLength(1);
        const [name, blocks] = sources[0]!;
        const s = only(blocks, `source qemu.${name}`);
        expect(s).toMatchObject({ accelerator: "kvm", format: "qcow2", vm_name: PACKER_OUTPUT_DISK, output_directory: "${var.output_directory}", headless: true });
        for (const k of ["iso_url", "iso_checksum", "ssh_username", "shutdown_command", "disk_size"]) expect(typeof s[k], k).toBe("string");
        // A "${var.x}" value resolves to the variable's default.
        const value = (v: unknown) => {
          const m = /^\$\{var\.([A-Za-z0-9_]+)\}$/.exec(String(v));
          return m ? String(t.variable[m[1]!]?.[0]?.default) : String(v);
        };
        expect(value(s.iso_checksum)).toMatch(/^(file:https:\/\/|sha256:[0-9a-f]{64}$)/);
        expect(value(s.iso_url)).toMatch(/^https:\/\/[^ ]+\.iso$/);
        expect(Array.isArray(s.boot_command) && (s.boot_command as string[]).join("")).toMatch(/\{\{ \.HTTPIP \}\}:\{\{ \.HTTPPort \}\}/);
        // The build account disappears with the shutdown.
        expect(String(s.shutdown_command)).toMatch(/userdel --force --remove packer/);
        expect(only(t.build, "build block").sources).toEqual([`source.qemu.${name}`]);
      });

      it("downloads the package list after the upgrade and before the clean-up, in the format vmendorse reads", async () => {
        const t = await load();
        const build = only(t.build, "build block");
        const downloads = (build.provisioner.file ?? []).filter((p) => p.direction === "download");
        expect(downloads).toEqual([{ direction: "download", source: "/tmp/packages.tsv", destination: `\${var.output_directory}/${PACKER_OUTPUT_PACKAGES}` }]);
        const order = ["/scripts/upgrade.sh", "/scripts/packages.sh", 'direction   = "download"', "/scripts/cleanup.sh"].map((s) => text.indexOf(s));
        expect(order.every((i) => i > 0)).toBe(true);
        expect([...order].sort((x, y) => x - y)).toEqual(order);
        const query = spec.os.distribution === "almalinux" ? PACKAGE_QUERY.rpm : PACKAGE_QUERY.deb;
        expect(readFileSync(join(dir, "scripts", "packages.sh"), "utf8")).toContain(`${query} > /tmp/packages.tsv`);
      });

      it("refers only to files of the image folder, and its shell scripts pass sh -n", async () => {
        const refs = [...text.matchAll(/\$\{path\.root\}\/([A-Za-z0-9_./-]+)/g)].map((m) => m[1]!);
        expect(refs.length).toBeGreaterThan(3);
        for (const r of refs) {
          expect(r.includes(".."), r).toBe(false);
          expect(existsSync(join(dir, r)), `${r} exists`).toBe(true);
        }
        for (const r of refs.filter((x) => x.endsWith(".sh"))) execFileSync("sh", ["-n", join(dir, r)]);
        // Broken shell does fail the same check.
        expect(() => execFileSync("sh", ["-n", "-c", "if then fi"], { stdio: "ignore" })).toThrow();
      });

      it("installs cloud-init with the same settings as the Debian builder (no datasource pinned, root disabled, no passwords, growpart, upgrades)", () => {
        const cfg = readFileSync(join(dir, "files", "90-vmendorse.cfg"), "utf8");
        expect(parseYaml(cfg)).toEqual(parseYaml(cloudInitConfig(spec)));
        const parsed = parseYaml(cfg) as Record<string, unknown>;
        expect(parsed).not.toHaveProperty("datasource_list");
        expect(parsed).toMatchObject({ disable_root: true, ssh_pwauth: false, resize_rootfs: true, package_update: true, package_upgrade: true, growpart: { mode: "auto" } });
        const configure = readFileSync(join(dir, "scripts", "configure.sh"), "utf8");
        expect(configure).toContain("/etc/cloud/cloud.cfg.d/90-vmendorse.cfg");
        expect(configure).toMatch(/^PasswordAuthentication no$/m);
        expect(configure).toMatch(/^PermitRootLogin no$/m);
        expect(configure).toMatch(/passwd --lock root/);
        // The firewall opens exactly the TCP ports image.yaml declares.
        const declared = spec.ports.filter((p) => p.protocol === "tcp").map((p) => p.port).sort((x, y) => x - y);
        const opened = spec.os.distribution === "almalinux"
          ? [...configure.matchAll(/--add-service=(\w+)/g)].map((m) => ({ ssh: 22, https: 443 })[m[1] as "ssh" | "https"])
          : [...configure.matchAll(/^ufw allow (\d+)\/tcp$/gm)].map((m) => Number(m[1]));
        expect(opened.sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(declared);
      });

      it("the clean-up removes host keys, machine id, logs, package caches, histories and the installer's cloud-init settings", () => {
        const cleanup = readFileSync(join(dir, "scripts", "cleanup.sh"), "utf8");
        for (const must of ["rm -f /etc/ssh/ssh_host_*", "truncate -s 0 /etc/machine-id", "find /var/log -type f -delete", ".bash_history", "cloud-init clean --logs --seed"]) {
          expect(cleanup, must).toContain(must);
        }
        if (spec.os.distribution === "ubuntu") expect(cleanup).toContain("/etc/cloud/cloud.cfg.d/99-installer.cfg");
      });

      it("the installer answers render and ask for a minimal, upgraded system with cloud-init", () => {
        const password = "0f8fad5b-d9cb-469f-a165-70867728950e";
        if (spec.os.distribution === "ubuntu") {
          const tpl = readFileSync(join(dir, "http", "user-data.pkrtpl"), "utf8");
          const rendered = tpl.replace("${build_password}", password);
          expect(rendered).not.toMatch(/\$\{/);
          const ud = parseYaml(rendered) as { autoinstall: Record<string, unknown> };
          expect(ud.autoinstall).toMatchObject({ version: 1, updates: "all", source: { id: "ubuntu-server-minimal" }, storage: { layout: { name: "direct" } } });
          expect(ud.autoinstall.packages).toEqual(expect.arrayContaining(["cloud-init", "curl"]));
          expect(JSON.stringify(ud.autoinstall["user-data"])).toContain(password);
        } else {
          const tpl = readFileSync(join(dir, "http", "ks.cfg.pkrtpl"), "utf8");
          const rendered = tpl.replace("${build_password}", password).replace(/\$\{mirror\}/g, "https://repo.almalinux.org/almalinux/9");
          expect(rendered).not.toMatch(/\$\{/);
          const packages = /%packages[^\n]*\n([\s\S]*?)%end/.exec(rendered)?.[1]?.split("\n").map((l) => l.trim()) ?? [];
          expect(packages).toEqual(expect.arrayContaining(["@core", "epel-release", "cloud-init", "openssh-clients"]));
          expect(rendered).toMatch(/^rootpw --lock$/m);
          expect(rendered).toMatch(/^firewall --enabled --service=ssh$/m);
          expect(rendered).toMatch(/^part \/ --fstype=xfs .*--grow$/m);
        }
      });
    });
  }
});

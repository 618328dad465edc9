// NoCloud seed for cloud-init: user-data with an injected ssh public key, meta-data, and the ISO 9660
// volume labelled "cidata" that cloud-init's NoCloud datasource looks for.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { runOk } from "./process.js";

export interface UserDataOptions {
  /** Public keys (OpenSSH format) authorised for the image's default user. */
  sshPublicKeys: string[];
  /** Run cloud-init's package update/upgrade at first boot (needs the network); default false. */
  packageUpgrade?: boolean;
  /** Further cloud-config keys, merged over the defaults. */
  extra?: Record<string, unknown>;
}

/** `#cloud-config` user-data: the keys go to the image's default user (the image decides its name). */
export function cloudConfigUserData(o: UserDataOptions): string {
  for (const k of o.sshPublicKeys) {
    if (!/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)|sk-\S+) [A-Za-z0-9+/=]+( \S.*)?$/.test(k.trim())) {
      throw new Error(`not an OpenSSH public key: ${k.slice(0, 40)}…`);
    }
  }
  const config: Record<string, unknown> = {
    ssh_authorized_keys: o.sshPublicKeys.map((k) => k.trim()),
    package_update: o.packageUpgrade ?? false,
    package_upgrade: o.packageUpgrade ?? false,
    ...o.extra,
  };
  return `#cloud-config\n${stringify(config)}`;
}

export function nocloudMetaData(instanceId: string, hostname: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(instanceId) || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(hostname)) {
    throw new Error(`invalid instance id or hostname: ${instanceId} ${hostname}`);
  }
  return stringify({ "instance-id": instanceId, "local-hostname": hostname });
}

export interface SeedFiles {
  userData: string;
  metaData: string;
  /** Optional network-config (v1/v2 YAML); without it cloud-init's fallback (DHCP on the first NIC) applies. */
  networkConfig?: string;
}

/** Writes the seed files into `dir` and packs them as `dir/seed.iso` (volume id cidata). Returns its path. */
export async function makeSeedIso(dir: string, files: SeedFiles): Promise<string> {
  const src = join(dir, "seed");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "user-data"), files.userData);
  writeFileSync(join(src, "meta-data"), files.metaData);
  const names = ["user-data", "meta-data"];
  if (files.networkConfig !== undefined) {
    writeFileSync(join(src, "network-config"), files.networkConfig);
    names.push("network-config");
  }
  const iso = join(dir, "seed.iso");
  await runOk("genisoimage", ["-quiet", "-output", iso, "-volid", "cidata", "-joliet", "-rock", ...names], { cwd: src, timeoutMs: 60_000 });
  return iso;
}

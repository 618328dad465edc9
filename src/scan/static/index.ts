// Runs every static check of the checklist on a root filesystem; returns raw outcomes (before waivers).
import type { ImageSpec } from "../../model/types.js";
import { RootFs } from "../rootfs.js";
import type { Outcome } from "../types.js";
import { checkAccounts } from "./accounts.js";
import { checkCloudInit } from "./cloud-init.js";
import { checkCredentials } from "./credentials.js";
import { checkFirewall } from "./firewall.js";
import { checkHistories } from "./history.js";
import { checkServices } from "./services.js";
import { checkSize } from "./size.js";
import { checkSsh } from "./ssh.js";
import { aptSourcesFor, checkUpdates } from "./updates.js";

export interface StaticInput {
  rootfs: string;
  spec: ImageSpec;
  /** Size of the artifact as distributed, and how to name it in messages. */
  size: { bytes: number; what: string };
  /** Overrides the archive derived from image.yaml (one-line "deb ..." sources). */
  aptSources?: string[];
  /** Where apt index files are kept between scans. */
  aptCache?: string;
  progress?: (line: string) => void;
  /** Check groups to leave out (e.g. "updates", which needs the network); their items get no outcome. */
  skip?: string[];
}

export interface StaticRun {
  outcomes: Outcome[];
  timings: Record<string, number>;
}

export function runStaticChecks(input: StaticInput): StaticRun {
  const fs = new RootFs(input.rootfs);
  const timings: Record<string, number> = {};
  const outcomes: Outcome[] = [];
  const step = (name: string, ids: string[], f: () => Outcome | Outcome[]) => {
    if (input.skip?.includes(name)) return;
    input.progress?.(`static: ${name}`);
    const t0 = performance.now();
    let r: Outcome | Outcome[];
    try {
      r = f();
    } catch (e) {
      // A check that crashes must not pass silently: each of its items fails with the error.
      r = ids.map((id) => ({ id, problems: [{ subject: "check error", message: `the ${name} checks crashed: ${(e as Error).message}` }], evidence: [] }));
    }
    timings[`static.${name}`] = Math.round(performance.now() - t0) / 1000;
    outcomes.push(...(Array.isArray(r) ? r : [r]));
  };
  step("credentials", ["credentials.private-keys", "credentials.x509", "credentials.files"], () => checkCredentials(fs));
  step("ssh", ["ssh.host-keys", "ssh.authorized-keys", "ssh.password-authentication", "ssh.root-login"], () => checkSsh(fs));
  step("accounts", ["accounts.shadowed", "accounts.root-locked", "accounts.passwords", "accounts.uid0"], () => checkAccounts(fs));
  step("services", ["services.enabled"], () => checkServices(fs, input.spec.services ?? []));
  step("firewall", ["firewall.ipv4", "firewall.ipv6"], () => checkFirewall(fs, input.spec.ports));
  step("cloudinit", ["cloudinit.datasource", "cloudinit.disable-root", "cloudinit.passwords", "cloudinit.growpart", "cloudinit.package-upgrade", "cloudinit.clean"], () => checkCloudInit(fs));
  step("history", ["files.shell-history"], () => checkHistories(fs));
  step("size", ["image.size", "image.size-recommended"], () => checkSize(input.size.bytes, input.spec.scan?.max_size_mb, input.size.what));
  step("updates", ["packages.updates"], () => checkUpdates(fs, input.aptSources ?? aptSourcesFor(input.spec), input.aptCache));
  return { outcomes, timings };
}

// Facts about the host that decide how a VM runs: is KVM usable, which local port is free.
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";

/** KVM is usable when /dev/kvm exists and this process may open it read-write. */
export function kvmUsable(device = "/dev/kvm"): boolean {
  try {
    closeSync(openSync(device, "r+"));
    return true;
  } catch {
    return false;
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolvePort(port) : reject(new Error("no free port"))));
    });
  });
}

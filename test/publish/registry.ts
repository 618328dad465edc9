// A real OCI registry for the tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1, a free
// port and a temporary storage folder, started and stopped by the test.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(url: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not come up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface Registry {
  url: string;
  host: string;
  port: number;
  dir: string;
  log: () => string;
  /** Stops the process (the storage stays, so start() serves the same content again). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the storage. */
  destroy(): Promise<void>;
}

export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-registry-"));
  const port = await freePort();
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  let proc: ChildProcess | undefined;
  let output = "";
  const reg: Registry = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    dir,
    log: () => output,
    async start() {
      proc = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
      proc.stdout!.on("data", (d) => (output += String(d)));
      proc.stderr!.on("data", (d) => (output += String(d)));
      await waitFor(`${reg.url}/v2/`);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGTERM");
      });
    },
    async destroy() {
      await reg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await reg.start();
  return reg;
}

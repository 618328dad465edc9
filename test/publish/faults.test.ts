// Fault tests of a whole `vmendorse publish` run (the built CLI, as CI runs it) with every kind of target
// at once: a real registry (docker-registry) behind a fault-injecting proxy, the folder repository, and
// the AppDB and GitHub stand-ins. After each fault nothing half-published is visible — no tag, no list,
// no published release or AppDB version — and running the same command again completes the job
// without duplicates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { composeAndSign, endorseRelease, makeRelease, type BuiltRelease } from "./fixtures.js";
import { startRegistry, type Registry } from "./registry.js";
import { startProxy, type FaultProxy } from "./fault-proxy.js";
import { startGithubStandin, type GithubStandin } from "./github-standin.js";
import { startAppdbStandin, type AppdbStandin } from "./appdb-standin.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "vmendorse.js");

let registry: Registry;
let proxy: FaultProxy;
let gh: GithubStandin;
let appdb: AppdbStandin;
let root: string;
let built: BuiltRelease;
let listDir: string;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startProxy(registry.url);
  gh = await startGithubStandin();
  appdb = await startAppdbStandin();
  root = copyRepo();
  built = makeRelease(root, join(root, "build-out"), { diskMb: 6 });
  endorseRelease(root, built);
  commitAll(root, "release 20261120", { name: "Repo Admin", email: "admin@egi.example" }, "2026-11-21T12:00:00Z");
  listDir = join(root, "out");
  await composeAndSign(root, listDir);
});
afterAll(async () => {
  await proxy?.close();
  await registry?.destroy();
  await gh?.close();
  await appdb?.close();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `killOn` lets a test kill it (SIGKILL, a crash) at a chosen moment. */
function runPublish(repoDir: string, killOn?: (kill: () => void) => void): Promise<Run> {
  const args = [
    BIN, "publish", "--root", root,
    "--release", built.releaseFile, "--artifacts", built.artifactsDir, "--list", listDir,
    "--to", `oci:${proxy.host}/egi_vm_images`,
    "--to", `appdb:${appdb.url}`, "--appdb-app", "egi.debian.12=1234",
    "--to", `dir:${repoDir}`,
    "--to", `github:${gh.owner}/${gh.repo}`, "--github-api", gh.url,
    "--retries", "2", "--retry-delay-ms", "20",
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, GITHUB_TOKEN: gh.token, APPDB_TOKEN: appdb.token }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    killOn?.(() => child.kill("SIGKILL"));
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const name = "egi_vm_images/egi.debian.12";
async function tags(): Promise<string[]> {
  const r = await fetch(`${registry.url}/v2/${name}/tags/list`);
  if (r.status === 404) return [];
  return ((await r.json()) as { tags: string[] | null }).tags?.sort() ?? [];
}

/** What a site or a registry sync could see: published tags, list, release, AppDB version. */
async function visible(repoDir: string) {
  return {
    tags: (await tags()).filter((t) => !t.startsWith("sha256-")),
    list: existsSync(join(repoDir, "imagelist.json")),
    releases: gh.releases.filter((r) => !r.draft).map((r) => r.tag_name),
    appdbPublished: appdb.apps.get("1234")!.versions.filter((v) => v.published).map((v) => v.version),
  };
}

/** The complete result, and that nothing exists twice. */
async function expectComplete(repoDir: string) {
  expect(await tags()).toEqual(["12", "12-2026-11-20-01234567", expect.stringMatching(/^sha256-[0-9a-f]{64}$/)]);
  const idxTag = (await tags()).find((t) => t.startsWith("sha256-"))!;
  const idx = await (await fetch(`${registry.url}/v2/${name}/manifests/${idxTag}`, { headers: { accept: "application/vnd.oci.image.index.v1+json" } })).json() as { manifests: unknown[] };
  expect(idx.manifests).toHaveLength(1);
  expect(readFileSync(join(repoDir, "imagelist.json")).equals(readFileSync(join(listDir, "imagelist.json")))).toBe(true);
  expect(readdirSync(join(repoDir, "egi.debian.12"))).toHaveLength(5);
  expect(readdirSync(join(repoDir, "egi.debian.12")).filter((n) => n.startsWith("."))).toEqual([]);
  expect(gh.releases).toHaveLength(1);
  expect(gh.releases[0]!.draft).toBe(false);
  expect(gh.releases[0]!.assets.map((a) => a.name).sort()).toEqual(["biomed.imagelist.json", "fedcloud.egi.eu.imagelist.json", "imagelist.json", "imagelist.json.sigstore.json", "vo.elixir-europe.org.imagelist.json"]);
  expect(appdb.apps.get("1234")!.versions).toHaveLength(1);
  expect(appdb.apps.get("1234")!.versions[0]!.published).toBe(true);
}

function reset() {
  proxy.rules.length = 0;
  proxy.log.length = 0;
  proxy.onRequest = undefined;
  gh.faults.length = 0;
  gh.onRequest = undefined;
  gh.releases.length = 0;
  appdb.faults.length = 0;
  appdb.apps.get("1234")!.versions.length = 0;
}

// Each test runs the CLI two or three times; on a busy machine that takes a while.
describe("publish: faults, atomicity and reruns (CLI, all targets)", { timeout: 240_000 }, () => {
  it("registry down: bounded retries, exit 1 with a reason, nothing visible; the rerun completes", async () => {
    reset();
    const repoDir = join(root, "repo-down");
    await registry.stop();
    const t0 = Date.now();
    const r = await runPublish(repoDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gave up after 3 attempts/);
    expect(r.stderr).toMatch(/ECONNREFUSED|socket hang up|HTTP 502/);
    expect(r.stderr).toMatch(/run the same command again/);
    // Bounded: the first registry request was tried three times (--retries 2), then the run stopped.
    expect(proxy.log.map((l) => l.method)).toEqual(["HEAD", "HEAD", "HEAD"]);
    expect(Date.now() - t0).toBeLessThan(60_000);
    await registry.start();
    expect(await visible(repoDir)).toEqual({ tags: [], list: false, releases: [], appdbPublished: [] });

    const again = await runPublish(repoDir);
    expect(again.code).toBe(0);
    await expectComplete(repoDir);
    // A third run finds everything in place: nothing is uploaded, tagged or registered.
    proxy.log.length = 0;
    const third = await runPublish(repoDir);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/: 0 uploaded, \d+ already present, 0 tagged, 0 registered\/published, 0 leftovers removed/);
    expect(proxy.log.filter((l) => l.method !== "GET" && l.method !== "HEAD")).toEqual([]);
  });

  it("upload cut halfway, every attempt: nothing tagged, the blob is not in the registry; the rerun completes", async () => {
    reset();
    await registry.destroy();
    registry = await startRegistry(); // empty storage
    await proxy.close();
    proxy = await startProxy(registry.url);
    const repoDir = join(root, "repo-cut");
    proxy.rules.push({ method: "PUT", path: /\/blobs\/uploads\//, fault: { cutAfter: 3 * 1024 * 1024 }, times: 99 });
    const r = await runPublish(repoDir);
    expect(r.code).toBe(1);
    expect(proxy.log.filter((l) => l.fault?.startsWith("cut")).length).toBe(3);
    expect(await visible(repoDir)).toEqual({ tags: [], list: false, releases: [], appdbPublished: [] });
    const digest = `sha256:${(await import("node:crypto")).createHash("sha256").update(readFileSync(built.qcow2)).digest("hex")}`;
    expect((await fetch(`${registry.url}/v2/${name}/blobs/${digest}`, { method: "HEAD" })).status).toBe(404);

    proxy.rules.length = 0;
    const again = await runPublish(repoDir);
    expect(again.code).toBe(0);
    await expectComplete(repoDir);
  });

  it("crash (SIGKILL) in the middle of the disk upload, then in the middle of the release upload: each rerun completes without duplicates", async () => {
    reset();
    await registry.destroy();
    registry = await startRegistry();
    await proxy.close();
    proxy = await startProxy(registry.url);
    const repoDir = join(root, "repo-crash");

    // 1. The process dies while the qcow2 streams to the registry.
    proxy.rules.push({ method: "PUT", path: /\/blobs\/uploads\//, fault: { cutAfter: 2 * 1024 * 1024 }, times: 1 });
    const crashed = await runPublish(repoDir, (kill) => {
      proxy.onRequest = (l) => {
        if (l.method === "PUT" && l.path.includes("/blobs/uploads/")) setTimeout(kill, 50);
      };
    });
    expect(crashed.signal).toBe("SIGKILL");
    expect(await visible(repoDir)).toEqual({ tags: [], list: false, releases: [], appdbPublished: [] });
    proxy.onRequest = undefined;

    // 2. The rerun dies while uploading the list to the release: artifacts, tags and AppDB are done,
    //    the release is a draft nobody sees, the list is not in the folder either (GitHub comes last).
    const crashed2 = await runPublish(repoDir, (kill) => {
      gh.onRequest = (method, path) => {
        if (method === "POST" && path.startsWith("/uploads/")) kill();
      };
    });
    gh.onRequest = undefined;
    expect(crashed2.signal).toBe("SIGKILL");
    const seen = await visible(repoDir);
    expect(seen.releases).toEqual([]);
    expect(gh.releases.every((r) => r.draft)).toBe(true);
    expect((await fetch(`${gh.url}/${gh.owner}/${gh.repo}/releases/latest/download/imagelist.json`)).status).toBe(404);

    // 3. The next run completes, reusing what is there.
    const done = await runPublish(repoDir);
    expect(done.code).toBe(0);
    await expectComplete(repoDir);
    expect((await fetch(`${gh.url}/${gh.owner}/${gh.repo}/releases/latest/download/imagelist.json`)).status).toBe(200);
  });

  it("AppDB error: the run stops before the list; the rerun completes", async () => {
    reset();
    const repoDir = join(root, "repo-appdb");
    appdb.faults.push({ method: "PUT", path: /virtualization$/, status: 503, times: 99 });
    const r = await runPublish(repoDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/AppDB PUT .* HTTP 503/);
    const v = await visible(repoDir);
    expect(v.list).toBe(false);
    expect(v.releases).toEqual([]);
    expect(v.appdbPublished).toEqual([]);
    appdb.faults.length = 0;
    expect((await runPublish(repoDir)).code).toBe(0);
    await expectComplete(repoDir);
  });
});

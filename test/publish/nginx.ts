// A real HTTP upload server for the tests: nginx with its WebDAV module (PUT, DELETE, MKCOL, MOVE) and
// Basic authentication, on 127.0.0.1 and a free port, serving a temporary folder.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "./registry.js";

export interface Nginx {
  url: string;
  /** The URL with the test credentials in it. */
  authUrl: string;
  www: string;
  accessLog: string;
  stop(): Promise<void>;
}

export const USER = "publisher";
export const PASSWORD = "s3cret-for-tests";

export async function startNginx(): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-nginx-"));
  const www = join(dir, "www");
  mkdirSync(www);
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, d));
  const hash = execFileSync("openssl", ["passwd", "-apr1", PASSWORD], { encoding: "utf8" }).trim();
  writeFileSync(join(dir, "htpasswd"), `${USER}:${hash}\n`);
  const port = await freePort();
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location / {
      dav_methods PUT DELETE MKCOL COPY MOVE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      auth_basic "appliance repository";
      auth_basic_user_file ${dir}/htpasswd;
    }
  }
}
`,
  );
  const proc: ChildProcess = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: "ignore" });
  await waitFor(`http://127.0.0.1:${port}/`);
  return {
    url: `http://127.0.0.1:${port}`,
    authUrl: `http://${USER}:${PASSWORD}@127.0.0.1:${port}`,
    www,
    accessLog: join(dir, "access.log"),
    async stop() {
      if (proc.exitCode === null) {
        await new Promise<void>((resolve) => {
          proc.once("exit", () => resolve());
          proc.kill("SIGTERM");
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

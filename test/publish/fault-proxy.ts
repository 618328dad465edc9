// Fault injection between a publisher and a real server: an HTTP proxy that forwards requests unchanged
// (Host header included, so a registry's Location URLs keep pointing at the proxy) unless a rule says to
// answer with a status, reset the connection, or cut an upload after some bytes of its body.
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { freePort } from "./registry.js";

export type Fault = { status: number } | { reset: true } | { cutAfter: number };

export interface Rule {
  method?: string;
  path: RegExp;
  fault: Fault;
  /** How many matching requests get the fault (then they pass). */
  times: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  fault?: string;
  status?: number;
}

export interface FaultProxy {
  url: string;
  host: string;
  rules: Rule[];
  log: LoggedRequest[];
  /** Called for each request before it is handled (e.g. to kill a client at a chosen point). */
  onRequest?: (r: LoggedRequest) => void;
  close(): Promise<void>;
}

export async function startProxy(upstream: string): Promise<FaultProxy> {
  const up = new URL(upstream);
  const port = await freePort();
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    rules: [],
    log: [],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const entry: LoggedRequest = { method: req.method ?? "", path: req.url ?? "" };
    proxy.log.push(entry);
    proxy.onRequest?.(entry);
    const rule = proxy.rules.find((r) => r.times > 0 && (!r.method || r.method === req.method) && r.path.test(req.url ?? ""));
    if (rule) rule.times--;
    const fault = rule?.fault;
    if (fault && "status" in fault) {
      entry.fault = `status ${fault.status}`;
      req.resume();
      req.on("end", () => {
        res.writeHead(fault.status, { "content-type": "text/plain" });
        res.end(`injected fault ${fault.status}\n`);
      });
      return;
    }
    if (fault && "reset" in fault) {
      entry.fault = "reset";
      req.socket.destroy();
      return;
    }
    const out = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      entry.status = ur.statusCode;
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    out.on("error", () => req.socket.destroy());
    if (fault && "cutAfter" in fault) {
      let n = 0;
      req.on("data", (chunk: Buffer) => {
        if (n >= fault.cutAfter) return;
        const take = Math.min(chunk.length, fault.cutAfter - n);
        out.write(chunk.subarray(0, take));
        n += take;
        if (n >= fault.cutAfter) {
          // The connection dies halfway through the upload, on both sides.
          entry.fault = `cut after ${fault.cutAfter} bytes`;
          out.destroy();
          req.socket.destroy();
        }
      });
      return;
    }
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  return proxy;
}

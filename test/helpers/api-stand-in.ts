// A local stand-in for the few REST endpoints the GitHub / GitLab glue uses: neither service can run
// here. It answers only the routes a test registers (anything else is a 404 the test will see), checks
// the token on every request and records what was asked, so a test can assert the requests too.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export type Handler = (req: Recorded) => { status?: number; body?: unknown; headers?: Record<string, string> };

export interface StandIn {
  url: string;
  requests: Recorded[];
  route(method: string, path: string | RegExp, handler: Handler): void;
  close(): Promise<void>;
}

const open: StandIn[] = [];
afterAll(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** checkAuth: returns true when the request carries the expected credentials. */
export async function startStandIn(checkAuth: (h: IncomingMessage["headers"]) => boolean): Promise<StandIn> {
  const routes: { method: string; path: string | RegExp; handler: Handler }[] = [];
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://stand-in");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the text */
      }
      const rec: Recorded = { method: req.method ?? "GET", path: u.pathname, query: u.searchParams, headers: req.headers, body };
      requests.push(rec);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(payload === undefined ? "" : JSON.stringify(payload));
      };
      if (!checkAuth(req.headers)) return send(401, { message: "Bad credentials" });
      const route = routes.find((r) => r.method === rec.method && (typeof r.path === "string" ? r.path === rec.path : r.path.test(rec.path)));
      if (!route) return send(404, { message: `stand-in has no route ${rec.method} ${rec.path}` });
      const out = route.handler(rec);
      send(out.status ?? 200, out.body, out.headers);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  const s: StandIn = {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (method, path, handler) => routes.push({ method, path, handler }),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
  open.push(s);
  return s;
}

/** GitHub-style pagination: serves `items` in pages of per_page with a Link header to the next page. */
export function paged<T>(base: string, items: T[]): Handler {
  return (req) => {
    const per = Number(req.query.get("per_page") ?? 30);
    const page = Number(req.query.get("page") ?? 1);
    const slice = items.slice((page - 1) * per, page * per);
    const headers: Record<string, string> = {};
    if (page * per < items.length) headers.link = `<${base}${req.path}?per_page=${per}&page=${page + 1}>; rel="next"`;
    return { body: slice, headers };
  };
}

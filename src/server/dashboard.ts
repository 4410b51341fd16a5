/**
 * `hyperforce dashboard`: a read-only web app over one storage, served by node:http. It answers GET
 * and HEAD only, for exactly these paths: the page, its four assets (assets.ts) and three JSON
 * routes; everything else is 404 (or 405 for another method). It binds 127.0.0.1 unless told
 * otherwise. The page polls the study's version twice a second, so trials written by another process
 * appear without a reload.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Storage } from "../storage/storage.ts";
import { BadRequest, NotFound, studyJson, studyList, trialsPage } from "./api.ts";
import { assetAt } from "./assets.ts";
import { dashboardPage } from "./page.ts";

export interface DashboardOptions {
  storage: Storage;
  /** Shown in the page's header: the path or URL the storage was opened from. */
  storageLabel: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

export interface Dashboard {
  server: Server;
  url: string;
  close(): Promise<void>;
}

// vega compiles its expressions with Function(), hence 'unsafe-eval'; no inline script may run.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), ...SECURITY_HEADERS });
  response.end(head ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, head: boolean): void {
  send(response, status, "application/json; charset=utf-8", typeof body === "string" ? body : JSON.stringify(body), head);
}

function route(options: DashboardOptions, url: URL, response: ServerResponse, head: boolean): void {
  const { storage } = options;
  if (url.pathname === "/") send(response, 200, "text/html; charset=utf-8", dashboardPage(options.storageLabel), head);
  else if (url.pathname === "/api/studies") sendJson(response, 200, studyList(storage), head);
  else if (url.pathname === "/api/study") sendJson(response, 200, studyJson(storage, url.searchParams), head);
  else if (url.pathname === "/api/trials") sendJson(response, 200, trialsPage(storage, url.searchParams), head);
  else {
    const asset = assetAt(url.pathname);
    if (asset !== undefined) send(response, 200, asset.type, asset.body, head);
    else sendJson(response, 404, { error: "not found" }, head);
  }
}

function handle(options: DashboardOptions, request: IncomingMessage, response: ServerResponse): void {
  const head = request.method === "HEAD";
  if (request.method !== "GET" && !head) {
    response.setHeader("allow", "GET, HEAD");
    send(response, 405, "text/plain; charset=utf-8", "the dashboard is read-only: GET and HEAD only\n", head);
    return;
  }
  const url = new URL(request.url ?? "/", "http://dashboard.invalid");
  try {
    route(options, url, response, head);
  } catch (error) {
    const status = error instanceof NotFound ? 404 : error instanceof BadRequest ? 400 : 500;
    sendJson(response, status, { error: error instanceof Error ? error.message : String(error) }, head);
  }
}

/** Starts the server; resolves once it listens (the URL has the port it got). */
export function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const server = createServer((request, response) => handle(options, request, response));
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        server,
        url: `http://${shown}:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // The page's keep-alive connections would hold the server open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

// What goes over the wire: the persisted-documents manifest, the three ways of sending a document, and how
// answers from the hub or a gateway in front of it (401, 403, 429/502/503/504, HTML, no network) become typed errors.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSchema, parse, validate, Kind } from "graphql";
import WebSocket, { WebSocketServer } from "ws";
import { HubClient, type DocumentMode, type NewCase } from "@kaifeng-hub/client";
import { freePort, PACKAGE_DIR, REPO } from "./hub.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function readManifest(path: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(path, "utf8"));
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

/** A stand-in for whatever answers at the hub's address (a gateway, or a hub that keeps persisted documents). */
async function endpoint(reply: (request: Record<string, any>, index: number) => Reply) {
  const requests: Record<string, any>[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const json = req.headers["content-type"] === "application/json";
    const request = json ? JSON.parse(text || "{}") : { bytes: text, contentType: req.headers["content-type"] }; // an upload
    requests.push({ ...request, authorization: req.headers.authorization, language: req.headers["accept-language"], path: req.url });
    const { status = 200, headers = { "content-type": "application/json" }, body } = reply(request, requests.length - 1);
    res.writeHead(status, headers).end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  servers.push(server);
  return { url, requests };
}

const servers: ReturnType<typeof createServer>[] = [];
after(() => servers.forEach((s) => s.close()));

const html = { "content-type": "text/html" };
const NEW_CASE: NewCase = {
  caseType: "TRANSFER", channel: "MOBILE_APP", applicant: { kind: "INDIVIDUAL", name: "张伟" },
  site: { address: "开封市龙亭区北门大街 12 号", districtCode: "410202" }, water: { accountNumber: "W-100231" },
  commitment: { version: "transfer-2022-01", channel: "ONLINE_CONSENT", identityVerification: "REAL_NAME_LOGIN",
                noticeSha256: "0".repeat(64) },
};
const EMPTY_PAGE = JSON.stringify({ data: { cases: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
const client = (url: string, documents?: DocumentMode) => new HubClient({ url, token: "t0ken", documents, webSocketImpl: WebSocket });

describe("persisted documents", () => {
  test("the manifest maps sha256:<hex of the text> to each document, all valid against schema/hub.graphql", async () => {
    const manifest = await readManifest(join(PACKAGE_DIR, "src/generated/persisted-documents.json"));
    const schema = buildSchema(await readFile(join(REPO, "schema/hub.graphql"), "utf8"));
    for (const [id, text] of Object.entries(manifest)) {
      assert.equal(id, `sha256:${sha256(text)}`);
      const document = parse(text);
      assert.deepEqual(validate(schema, document), [], text);
      assert.equal(document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length, 1);
    }
  });

  test("each generated operation carries its manifest key and the very text stored under it", async () => {
    const manifest = await readManifest(join(PACKAGE_DIR, "src/generated/persisted-documents.json"));
    const generated: Record<string, unknown> = await import(pathToFileURL(join(PACKAGE_DIR, "dist/generated/graphql.js")).href);
    const sent = Object.fromEntries(Object.values(generated).flatMap((value) => {
      const meta = (value as { __meta__?: { hash?: string; text?: string } }).__meta__;
      return meta?.hash ? [[meta.hash, meta.text]] : [];
    }));
    assert.deepEqual(sent, manifest);
  });

  test("the build ships the manifest, exported as @kaifeng-hub/client/persisted-documents.json", async () => {
    const shipped = fileURLToPath(import.meta.resolve("@kaifeng-hub/client/persisted-documents.json"));
    assert.equal(shipped, join(PACKAGE_DIR, "dist/persisted-documents.json"));
    assert.deepEqual(await readManifest(shipped), await readManifest(join(PACKAGE_DIR, "src/generated/persisted-documents.json")));
  });

  test("by default the whole text is sent: the manifest's text, so its hash identifies it", async () => {
    const manifest = await readManifest(join(PACKAGE_DIR, "src/generated/persisted-documents.json"));
    const stub = await endpoint(() => ({ body: EMPTY_PAGE }));
    assert.ok((await client(stub.url).myCases({ first: 5 })).ok);
    const [sent] = stub.requests;
    assert.equal(sent?.path, "/graphql");
    assert.equal(sent?.authorization, "Bearer t0ken");
    assert.equal(sent?.operationName, "MyCases");
    assert.deepEqual(sent?.variables, { first: 5, after: null, filter: null });
    assert.equal(manifest[`sha256:${sha256(sent?.query)}`], sent?.query);
    assert.equal(sent?.documentId, undefined);
  });

  test("documents: \"id\" sends only documentId: \"sha256:<hex>\"", async () => {
    const stub = await endpoint(() => ({ body: EMPTY_PAGE }));
    assert.ok((await client(stub.url, "id").myCases()).ok);
    const [sent] = stub.requests;
    assert.match(sent?.documentId, /^sha256:[0-9a-f]{64}$/);
    assert.equal(sent?.query, undefined);
    assert.equal(sent?.operationName, "MyCases");
  });

  test("documents: \"apq\" sends the hash; told PersistedQueryNotFound, it sends the text with it once", async () => {
    const stub = await endpoint((request) => ({
      body: request.query ? EMPTY_PAGE : JSON.stringify({ errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] }),
    }));
    assert.ok((await client(stub.url, "apq").myCases()).ok);
    const [first, second] = stub.requests;
    assert.equal(stub.requests.length, 2);
    assert.equal(first?.query, undefined);
    assert.deepEqual(first?.extensions, second?.extensions);
    assert.equal(first?.extensions.persistedQuery.version, 1);
    assert.equal(first?.extensions.persistedQuery.sha256Hash, sha256(second?.query));
  });

  test("language: the hub's messages are asked for in it, as Accept-Language and in connection_init", async () => {
    const stub = await endpoint(() => ({ body: EMPTY_PAGE }));
    const english = new HubClient({ url: stub.url, token: "t0ken", language: "en" });
    assert.ok((await english.myCases()).ok);
    assert.equal(stub.requests[0]?.language, "en");
    const port = await freePort();
    const server = new WebSocketServer({ port, host: "127.0.0.1", handleProtocols: () => "graphql-transport-ws" });
    const init = new Promise<Record<string, any>>((done) => server.on("connection", (socket) => socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.type === "connection_init") done(message.payload);
    })));
    const follow = new HubClient({ url: `http://127.0.0.1:${port}`, token: "t0ken", webSocketImpl: WebSocket, language: "en" })
      .followCase("Q2FzZTox", { after: "41", onEvent: () => undefined });
    const payload = await init.finally(() => {
      follow.close();
      server.close();
    });
    assert.deepEqual(payload, { Authorization: "Bearer t0ken", "Accept-Language": "en" });
  });

  test("a live follow's subscribe message carries the document the same way", async () => {
    const port = await freePort();
    const server = new WebSocketServer({ port, host: "127.0.0.1", handleProtocols: () => "graphql-transport-ws" });
    const subscribed = new Promise<Record<string, any>>((done) => server.on("connection", (socket) => socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.type === "connection_init") socket.send(JSON.stringify({ type: "connection_ack" }));
      if (message.type === "subscribe") done(message.payload);
    })));
    const follow = client(`http://127.0.0.1:${port}`, "id").followCase("Q2FzZTox", { after: "41", onEvent: () => undefined });
    const payload = await subscribed.finally(() => {
      follow.close();
      server.close();
    });
    assert.match(payload.documentId, /^sha256:[0-9a-f]{64}$/);
    assert.equal(payload.query, undefined);
    assert.deepEqual(payload.variables, { caseId: "Q2FzZTox", after: "41" });
  });
});

describe("answers from the hub's address, as typed errors", () => {

  test("503 with Retry-After (seconds or a date), 429, 502, 504: unavailable, retry later", async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const replies: Reply[] = [
      { status: 503, headers: { ...html, "retry-after": "7" }, body: "<h1>维护中</h1>" },
      { status: 503, headers: { ...html, "retry-after": inTwoMinutes }, body: "" },
      { status: 429, headers: html, body: "" },
      { status: 502, headers: html, body: "" },
      { status: 504, headers: html, body: "" },
    ];
    const stub = await endpoint((_, index) => replies[index]!);
    const answers = [];
    for (let i = 0; i < replies.length; i++) answers.push(await client(stub.url).myCases());
    const errors = answers.map((a) => (!a.ok && a.error.kind === "unavailable" ? [a.error.status, a.error.retryAfterSeconds] : a));
    assert.deepEqual(errors.slice(0, 1), [[503, 7]]);
    const [, [, fromDate]] = errors as [unknown, [number, number]];
    assert.ok(fromDate >= 118 && fromDate <= 120, String(fromDate));
    assert.deepEqual(errors.slice(2), [[429, null], [502, null], [504, null]]);
  });

  test("403 from a gateway: forbidden; 401: unauthenticated, with the hub's message", async () => {
    const replies: Reply[] = [
      { status: 403, headers: html, body: "<h1>Forbidden</h1>" },
      { status: 401, body: JSON.stringify({ errors: [{ message: "token expired", extensions: { code: "UNAUTHENTICATED" } }] }) },
    ];
    const stub = await endpoint((_, index) => replies[index]!);
    assert.deepEqual(await client(stub.url).myCases(), { ok: false, error: { kind: "forbidden", message: "HTTP 403 Forbidden" } });
    assert.deepEqual(await client(stub.url).myCases(), { ok: false, error: { kind: "unauthenticated", message: "token expired" } });
  });

  test("an unexpected fault keeps the hub's incident id; a page that is not GraphQL is a server error", async () => {
    const replies: Reply[] = [
      { body: JSON.stringify({ data: null, errors: [{ message: "internal error (incident 3f2a9c)", extensions: { code: "INTERNAL", incident: "3f2a9c" } }] }) },
      { status: 500, headers: html, body: "<h1>oops</h1>" },
    ];
    const stub = await endpoint((_, index) => replies[index]!);
    assert.deepEqual(await client(stub.url).myCases(),
      { ok: false, error: { kind: "server", status: 200, message: "internal error (incident 3f2a9c)", incident: "3f2a9c" } });
    assert.deepEqual(await client(stub.url).myCases(),
      { ok: false, error: { kind: "server", status: 500, message: "HTTP 500 Internal Server Error", incident: null } });
  });

  test("no hub listening: network", async () => {
    const answer = await client(`http://127.0.0.1:${await freePort()}`).myCases();
    assert.ok(!answer.ok && answer.error.kind === "network", JSON.stringify(answer));
    assert.match(answer.error.message, /fetch failed: .*ECONNREFUSED/);
  });

  test("a mutation answered null (it failed unexpectedly) is a server error with the incident id", async () => {
    const stub = await endpoint(() => ({ body: JSON.stringify({ data: { submitCase: null }, errors: [{
      message: "internal error (incident 7be1c2)", path: ["submitCase"], extensions: { code: "INTERNAL", incident: "7be1c2" } }] }) }));
    assert.deepEqual(await client(stub.url).submitCase(NEW_CASE),
      { ok: false, error: { kind: "server", status: 200, message: "internal error (incident 7be1c2)", incident: "7be1c2" } });
  });

  test("the hub's database outage: 503 with Retry-After and the hub's message, or UNAVAILABLE however it comes", async () => {
    const outage = JSON.stringify({ data: null, errors: [{ message: "the database is unavailable; retry later", extensions: { code: "UNAVAILABLE" } }] });
    const replies: Reply[] = [
      { status: 503, headers: { "content-type": "application/json", "retry-after": "5" }, body: outage },
      { body: outage },
    ];
    const stub = await endpoint((_, index) => replies[index]!);
    const message = "the database is unavailable; retry later";
    assert.deepEqual(await client(stub.url).submitCase(NEW_CASE),
      { ok: false, error: { kind: "unavailable", status: 503, message, retryAfterSeconds: 5 } });
    assert.deepEqual(await client(stub.url).addMaterials({ caseId: "Q2FzZTox", expectedVersion: 1, materials: [] }),
      { ok: false, error: { kind: "unavailable", status: 200, message, retryAfterSeconds: null } });
  });
});

describe("uploading materials' files", () => {
  const withFile = (file: Uint8Array): NewCase => ({ ...NEW_CASE, materials: [{ typeCode: "OWNER_ID", fileRef: "scan://a" }, { typeCode: "RESIDENT_ID_CARD", file }] });
  const bytes = new TextEncoder().encode("%PDF-1.4 scan");

  test("the file goes first to POST /files as raw bytes with the token, then the request names it by SHA-256", async () => {
    const stub = await endpoint((_, index) => index === 0 // the upload, then the mutation
      ? { status: 201, body: JSON.stringify({ sha256: sha256("%PDF-1.4 scan"), size: 13, contentType: "application/pdf" }) }
      : { body: JSON.stringify({ data: { submitCase: null }, errors: [{ message: "internal error (incident 1)", extensions: { code: "INTERNAL", incident: "1" } }] }) });
    await client(stub.url).submitCase(withFile(bytes));
    const [upload, submit] = stub.requests;
    assert.deepEqual([upload?.path, upload?.authorization, upload?.contentType, upload?.bytes], ["/files", "Bearer t0ken", "application/octet-stream", "%PDF-1.4 scan"]);
    assert.equal(submit?.path, "/graphql");
    assert.deepEqual(submit?.variables.input.materials, [{ typeCode: "OWNER_ID", fileRef: "scan://a" }, { typeCode: "RESIDENT_ID_CARD", file: { sha256: sha256("%PDF-1.4 scan") } }]);
  });

  test("a refused upload names the material's file; an outage is unavailable; the request is not sent", async () => {
    const replies: Reply[] = [
      { status: 413, body: JSON.stringify({ errors: [{ field: "body", code: "OUT_OF_RANGE", message: "larger than 10485760 bytes" }] }) },
      { status: 503, headers: { "content-type": "application/json", "retry-after": "30" }, body: JSON.stringify({ errors: [{ message: "the database is unavailable; retry later", extensions: { code: "UNAVAILABLE" } }] }) },
      { status: 403, headers: html, body: "<h1>Forbidden</h1>" },
    ];
    const stub = await endpoint((_, index) => replies[index]!);
    assert.deepEqual(await client(stub.url).submitCase(withFile(bytes)), { ok: false, error: { kind: "refused", errors: [
      { field: "materials[1].file", code: "OUT_OF_RANGE", message: "larger than 10485760 bytes" }] } });
    assert.deepEqual(await client(stub.url).submitCase(withFile(bytes)), { ok: false, error: {
      kind: "unavailable", status: 503, message: "the database is unavailable; retry later", retryAfterSeconds: 30 } });
    assert.deepEqual(await client(stub.url).submitCase(withFile(bytes)), { ok: false, error: { kind: "forbidden", message: "HTTP 403 Forbidden" } });
    assert.deepEqual(stub.requests.map((r) => r.path), ["/files", "/files", "/files"]);
  });
});

// The app held to registered documents, as in production: the build's own manifest registered by governance, then
// the app's operations by id and by APQ hash on a second hub instance (same database and key) started with
// HUB_REGISTERED_DOCUMENTS_ONLY='["APPLICANT"]'.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { HubClient, type CaseEvent, type DocumentMode, type FollowError, type NewCase, type Result } from "@kaifeng-hub/client";
import {
  commitmentFor, demoTokens, graphql, mintToken, newIdNumber, PACKAGE_DIR, startHub, waitFor, writeBack,
  type HubProcess,
} from "./hub.js";

const MANIFEST_FILE = join(PACKAGE_DIR, "dist/persisted-documents.json"); // what `npm run build` ships
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const REGISTER = `mutation ($input: RegisterDocumentsInput!) { registerPersistedDocuments(input: $input) {
  added { id operationNames clientName clientVersion } alreadyRegistered errors { field code message } } }`;

function value<T>(result: Result<T>): T {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(!result.ok && result.error)}`);
  return result.value;
}

/** What one client sent to /graphql: each request body, to check that no text went over the wire. */
function recording(): { fetch: typeof fetch; bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  return {
    bodies,
    fetch: (input, init) => {
      if (String(input).endsWith("/graphql") && typeof init?.body === "string") {
        bodies.push(JSON.parse(init.body));
      }
      return fetch(input, init);
    },
  };
}

describe("registered documents only (HUB_REGISTERED_DOCUMENTS_ONLY)", () => {
  let manifest: Record<string, string>;
  let held: HubProcess; // the instance that takes only registered documents from applicants
  let tokens: Record<string, string>;
  let applicantToken: string;
  const idNumber = newIdNumber();
  const app = (documents: DocumentMode, fetchImpl?: typeof fetch) => new HubClient({ // refusals read in English
    url: held.url, token: applicantToken, documents, fetch: fetchImpl, webSocketImpl: WebSocket, language: "en" });

  before(async () => {
    manifest = JSON.parse(await readFile(MANIFEST_FILE, "utf8"));
    held = await startHub(process.env.HUB_DATABASE_URL, {
      HUB_SIGNING_KEY_FILE: join(process.env.HUB_DATA_DIR ?? "", "signing-key.json"),
      HUB_REGISTERED_DOCUMENTS_ONLY: '["APPLICANT"]',
    });
    [tokens, applicantToken] = await Promise.all([demoTokens(), mintToken("APPLICANT", { subject: idNumber })]);
  });
  after(() => held?.stop());

  test("before its manifest is registered, the app is refused whichever way it sends: `document`, typed", async (t) => {
    const myCasesId = Object.keys(manifest).find((id) => manifest[id]!.includes("query MyCases"))!;
    const known = await fetch(`${held.url}/graphql`, { // governance is not held to registered documents
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tokens.GOVERNANCE}` },
      body: JSON.stringify({ documentId: myCasesId, variables: { first: 1 } }),
    });
    if (!(await known.text()).includes("PERSISTED_DOCUMENT_NOT_FOUND")) {
      return t.skip("this database has the manifest registered already");
    }
    const text = await app("query").myCases(); // free text: the app's own, but not registered
    assert.ok(!text.ok && text.error.kind === "document", JSON.stringify(text));
    assert.equal(text.error.code, "PERSISTED_DOCUMENT_REQUIRED");
    assert.match(text.error.message, /only registered documents are accepted from your role/);
    assert.deepEqual(await app("id").myCases(), { ok: false, error: {
      kind: "document", code: "PERSISTED_DOCUMENT_NOT_FOUND", message: `no document is registered as ${myCasesId}` } });
    const sent = recording();
    const apq = await app("apq", sent.fetch).myCases(); // no second try with the text: it would not help
    assert.ok(!apq.ok && apq.error.kind === "document" && apq.error.code === "PERSISTED_DOCUMENT_NOT_FOUND", JSON.stringify(apq));
    assert.equal(sent.bodies.length, 1);
    const stopped = await new Promise<FollowError>((done) => {
      app("id").followCase("Q2FzZTox", { after: "0", onEvent: () => undefined, onError: done });
    });
    assert.deepEqual([stopped.kind, "code" in stopped && stopped.code], ["document", "PERSISTED_DOCUMENT_NOT_FOUND"]);
  });

  test("governance registers the build's manifest through the API; registering it again adds nothing", async () => {
    const register = async () => (await graphql(tokens.GOVERNANCE!, REGISTER, { input: {
      manifest: JSON.stringify(manifest), clientName: "bianjieban-app", clientVersion: "0.1.0" } })).registerPersistedDocuments;
    const registered = await register();
    assert.deepEqual(registered.errors, []);
    assert.equal(registered.added.length + registered.alreadyRegistered, Object.keys(manifest).length);
    for (const added of registered.added) {
      assert.ok(manifest[added.id]?.includes(` ${added.operationNames[0]}(`), added.id);
      assert.deepEqual([added.clientName, added.clientVersion], ["bianjieban-app", "0.1.0"]);
    }
    const again = await register();
    assert.deepEqual([again.added, again.alreadyRegistered, again.errors], [[], Object.keys(manifest).length, []]);
  });

  test("by id, the app runs everything: the form, a submission with its file, my cases, one case, 补正, a live follow", async () => {
    const sent = recording();
    const client = app("id", sent.fetch);
    const application: NewCase = {
      caseType: "TRANSFER", channel: "MOBILE_APP", commitment: await commitmentFor(client, "TRANSFER", true),
      applicant: { kind: "INDIVIDUAL", name: "王芳", phone: "13700137000", idNumber },
      previousHolder: { kind: "INDIVIDUAL", name: "刘秀英", idNumber: "410203196505080063" },
      site: { address: "开封市顺河回族区自由路 5 号", districtCode: "410203" }, water: { accountNumber: "W-300412" },
      materials: [{ typeCode: "RESIDENT_ID_CARD", number: idNumber, file: PDF }],
    };
    const filed = value(await client.submitCase(application));
    assert.equal(filed.status, "SUBMITTED");
    assert.equal(filed.materials?.[0]?.file?.contentType, "application/pdf");
    assert.deepEqual(value(await client.myCases()).cases.map((c) => c.number), [filed.number]);
    assert.equal(value(await client.getCase(filed.id)).number, filed.number);
    const read = value(await client.getCaseByNumber(filed.number!));
    const supplemented = value(await client.addMaterials({ caseId: read.id, expectedVersion: read.version!,
      materials: [{ typeCode: "PROPERTY_CERTIFICATE", number: "豫(2025)开封市不动产权第0034567号", fileRef: "scan://cert.pdf" }] }));
    assert.equal(supplemented.version, read.version! + 1);
    assert.ok(sent.bodies.length >= 6);
    for (const body of sent.bodies) {
      assert.equal(body.query, undefined, "no text goes over the wire");
      assert.ok(manifest[body.documentId as string], `a registered id: ${String(body.documentId)}`);
    }

    // live, by id over the WebSocket: the history, then the water company's acknowledgement (sent through the
    // other instance, with its own text: utilities are not held to registered documents)
    const events: CaseEvent[] = [];
    const errors: FollowError[] = [];
    const follow = client.followCase(filed.id, { after: "0", onEvent: (e) => void events.push(e), onError: (e) => void errors.push(e) });
    try {
      await waitFor(() => events.some((e) => e.kind === "CASE_SUBMITTED") || errors.length > 0, "the case's history");
      const water = supplemented.assignments!.find((a) => a.service === "WATER")!;
      await writeBack(tokens["KF-WATER"]!, "acknowledgeAssignment", water);
      await waitFor(() => events.some((e) => e.kind === "ASSIGNMENT_RECEIVED") || errors.length > 0, "the acknowledgement");
    } finally {
      follow.close();
    }
    assert.deepEqual(errors, []);
  });

  test("by APQ hash: one request per operation, no text", async () => {
    const sent = recording();
    const page = value(await app("apq", sent.fetch).myCases({ first: 5 }));
    assert.equal(page.cases.length, 1);
    assert.equal(sent.bodies.length, 1);
    assert.equal(sent.bodies[0]!.query, undefined);
  });

  test("the manifest's texts run as sent; any other text is refused; other roles still send their own", async () => {
    assert.equal(value(await app("query").myCases()).cases.length, 1); // the default mode sends the registered text
    const ask = (token: string, query: string) => fetch(`${held.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const own = await ask(applicantToken, "{ cases(first: 100) { edges { node { applicant { idNumber } } } } }");
    assert.equal(own.status, 400);
    const refused = (await own.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    assert.deepEqual([refused.data, refused.errors.map((e) => e.extensions.code)], [undefined, ["PERSISTED_DOCUMENT_REQUIRED"]]);
    const utility = await ask(tokens["KF-WATER"]!, "{ viewer { organisation } }");
    assert.deepEqual(await utility.json(), { data: { viewer: { organisation: "KF-WATER" } } });
  });
});

// Submitting, listing, reading and supplementing cases through the client, against the real hub.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, test } from "node:test";
import { HubClient, type CaseDetailFragment, type CasePage, type NewCase, type Result } from "@kaifeng-hub/client";
import { commitmentFor, demoTokens, hubUrl, mintToken, newIdNumber, writeBack } from "./hub.js";

/** The smallest files the hub takes: a one-page PDF and a 1×1 PNG (judged by their magic numbers). */
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
  + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Uint8Array.from(Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function value<T>(result: Result<T>): T {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(!result.ok && result.error)}`);
  return result.value;
}

/** The commitments the applicant gives, at the window and online (set once the hub has answered). */
const signed = { window: {} as NewCase["commitment"], online: {} as NewCase["commitment"] };

/** A transfer of water and electricity; `subject` links the applicant's account when a clerk files it. */
function application(idNumber: string, subject: string | null, changes: Partial<NewCase> = {}): NewCase {
  const online = changes.channel === "MOBILE_APP" || changes.channel === "GOVERNMENT_PORTAL";
  return {
    commitment: online ? signed.online : signed.window,
    caseType: "TRANSFER",
    channel: "CITIZEN_CENTRE_WINDOW",
    applicant: { kind: "INDIVIDUAL", name: "张伟", phone: "13800138000", idNumber, subject },
    previousHolder: { kind: "INDIVIDUAL", name: "刘秀英", idNumber: "410203196505080063" },
    site: { address: "开封市龙亭区北门大街 12 号 3 单元 402", districtCode: "410202" },
    water: { accountNumber: "W-100231" },
    electricity: { accountNumber: "0410023344" },
    materials: [{ typeCode: "RESIDENT_ID_CARD", number: idNumber, holder: "张伟", fileRef: "scan://id-card.jpg" }],
    ...changes,
  };
}

describe("an applicant's cases", () => {
  const idNumber = newIdNumber(); // the applicant's app account is their ID number
  const strangerIdNumber = newIdNumber();
  let clerk: HubClient;
  let applicant: HubClient;
  let stranger: HubClient; // another applicant
  let applicantToken: string;
  let tokens: Record<string, string>;
  const submitted: CaseDetailFragment[] = [];

  before(async () => {
    tokens = await demoTokens();
    clerk = new HubClient({ url: hubUrl(), token: tokens.CLERK! });
    signed.window = await commitmentFor(clerk, "TRANSFER", false);
    signed.online = await commitmentFor(clerk, "TRANSFER", true);
    let strangerToken: string;
    [applicantToken, strangerToken] = await Promise.all([
      mintToken("APPLICANT", { subject: idNumber }), mintToken("APPLICANT", { subject: strangerIdNumber })]);
    applicant = new HubClient({ url: hubUrl(), token: applicantToken, language: "en" }); // its refusals are read in English
    stranger = new HubClient({ url: hubUrl(), token: strangerToken });
    for (let i = 0; i < 4; i++) { // at the window, for the applicant's account
      submitted.push(value(await clerk.submitCase(application(idNumber, idNumber))));
    }
    submitted.push(value(await applicant.submitCase(application(idNumber, null, { channel: "MOBILE_APP" }))));
  });

  test("a clerk's submission answers the case with one pending assignment per service", () => {
    const [first] = submitted;
    assert.match(first!.number ?? "", /^KF\d{8}-[0-9A-Z]{8}$/);
    assert.equal(first!.status, "SUBMITTED");
    assert.equal(first!.applicant?.idNumber, idNumber);
    assert.deepEqual(first!.assignments?.map((a) => [a.service, a.status, a.organisationCode]).sort(),
      [["ELECTRICITY", "PENDING", "KF-POWER"], ["WATER", "PENDING", "KF-WATER"]]);
  });

  test("my cases come page by page, newest first, each once, and only mine", async () => {
    const pages: string[][] = [];
    let after: string | null = null;
    do {
      const page: CasePage = value(await applicant.myCases({ first: 2, after }));
      pages.push(page.cases.map((c) => c.number ?? ""));
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat(), submitted.map((c) => c.number).reverse());

    assert.deepEqual(value(await stranger.myCases()).cases, []);
  });

  test("one case, by id or number, with its assignments and what each is missing", async () => {
    const one = value(await applicant.getCase(submitted[0]!.id));
    assert.equal(one.number, submitted[0]!.number);
    assert.deepEqual(one.materials?.map((m) => [m.typeCode, m.fileRef]), [["RESIDENT_ID_CARD", "scan://id-card.jpg"]]);
    const water = one.assignments?.find((a) => a.service === "WATER");
    assert.equal(water?.organisation?.name !== null, true);
    assert.equal(water?.materials?.complete, false, "a transfer needs the property certificate too");
    assert.ok(water?.materials?.missingGroups?.length);
    assert.deepEqual(value(await applicant.getCaseByNumber(one.number!)).id, one.id);
  });

  test("a case that is not yours is NOT_FOUND, like one that does not exist", async () => {
    const expected = { ok: false, error: { kind: "refused", errors: [{ field: "id", code: "NOT_FOUND", message: "no such case" }] } };
    assert.deepEqual(await stranger.getCase(submitted[0]!.id), expected);
    assert.deepEqual(await stranger.getCaseByNumber(submitted[0]!.number!), expected);
  });

  test("补正: the utility asks for materials, the applicant adds them, the assignment resumes", async () => {
    const filed = value(await applicant.getCase(submitted[1]!.id));
    const water = await writeBack(tokens["KF-WATER"]!, "acknowledgeAssignment", filed.assignments!.find((a) => a.service === "WATER")!);
    await writeBack(tokens["KF-WATER"]!, "requestMaterials", water, "请补充不动产权证书");
    const waiting = value(await applicant.getCase(filed.id));
    assert.equal(waiting.status, "NEEDS_MATERIALS");
    assert.equal(waiting.assignments!.find((a) => a.service === "WATER")!.reason, "请补充不动产权证书");

    const supplemented = value(await applicant.addMaterials({
      caseId: filed.id, expectedVersion: waiting.version!,
      materials: [{ typeCode: "PROPERTY_CERTIFICATE", number: "豫(2024)开封市不动产权第0012345号", fileRef: "scan://cert.pdf" }],
    }));
    assert.equal(supplemented.version, waiting.version! + 1);
    const resumed = supplemented.assignments!.find((a) => a.service === "WATER")!;
    assert.equal(resumed.status, "RECEIVED");
    assert.equal(resumed.materials?.complete, true);
    assert.deepEqual(supplemented.materials?.map((m) => m.fileRef), ["scan://id-card.jpg", "scan://cert.pdf"]);
  });

  test("adding materials against a stale version is a CONFLICT and writes nothing", async () => {
    const current = value(await applicant.getCase(submitted[2]!.id));
    const stale = await applicant.addMaterials({
      caseId: current.id, expectedVersion: current.version! - 1, materials: [{ typeCode: "OWNER_ID", fileRef: "scan://owner.jpg" }],
    });
    assert.equal(stale.ok, false);
    assert.ok(!stale.ok && stale.error.kind === "refused" && stale.error.errors[0]?.code === "CONFLICT");
    assert.deepEqual(value(await applicant.getCase(current.id)).materials, current.materials);
  });

  test("a material given with its file: the client uploads it to the hub and attaches it by its SHA-256", async () => {
    const filed = value(await applicant.submitCase(application(idNumber, null, {
      channel: "MOBILE_APP",
      materials: [{ typeCode: "RESIDENT_ID_CARD", number: idNumber, file: new Blob([PDF]) }], // a File from a browser
    })));
    const read = value(await applicant.getCase(filed.id));
    const file = read.materials?.[0]?.file;
    assert.deepEqual([file?.sha256, file?.size, file?.contentType], [sha256(PDF), PDF.length, "application/pdf"]);
    assert.ok(file?.uploadedAt);
    // the applicant's own file comes back by its short-lived link, byte for byte
    const download = await fetch(file!.downloadUrl!);
    assert.equal(download.status, 200);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), PDF);
  });

  test("补正 with files: bytes and a React Native picker's {uri, name, type}; a fileRef still works", async () => {
    const current = value(await applicant.getCase(submitted[3]!.id));
    const picked = { uri: `data:image/png;base64,${Buffer.from(PNG).toString("base64")}`, name: "property.png", type: "image/png" };
    const added = value(await applicant.addMaterials({
      caseId: current.id, expectedVersion: current.version!,
      materials: [
        { typeCode: "PROPERTY_CERTIFICATE", file: picked },
        { typeCode: "OWNER_ID", file: PDF },
        { typeCode: "AGENT_ID", fileRef: "scan://agent.jpg" },
      ],
    }));
    assert.deepEqual(added.materials?.slice(-3).map((m) => [m.typeCode, m.file?.sha256 ?? null, m.file?.contentType ?? null, m.fileRef]), [
      ["PROPERTY_CERTIFICATE", sha256(PNG), "image/png", null],
      ["OWNER_ID", sha256(PDF), "application/pdf", null],
      ["AGENT_ID", null, null, "scan://agent.jpg"],
    ]);
    assert.equal(added.version, current.version! + 1);
  });

  test("a file uploaded before may be attached by its SHA-256, by its uploader only", async () => {
    const current = value(await applicant.getCase(submitted[3]!.id));
    const again = value(await applicant.addMaterials({
      caseId: current.id, expectedVersion: current.version!, materials: [{ typeCode: "OWNER_ID", file: { sha256: sha256(PDF) } }],
    }));
    assert.equal(again.materials?.at(-1)?.file?.sha256, sha256(PDF));
    // another applicant who learnt the hash cannot attach it
    const own = value(await stranger.submitCase(application(strangerIdNumber, null, { channel: "MOBILE_APP" })));
    const taken = await stranger.addMaterials({
      caseId: own.id, expectedVersion: own.version!, materials: [{ typeCode: "OWNER_ID", file: { sha256: sha256(PDF) } }],
    });
    assert.ok(!taken.ok && taken.error.kind === "refused", JSON.stringify(taken));
    assert.deepEqual(taken.error.errors.map((e) => [e.field, e.code]), [["materials[0].file.sha256", "NOT_FOUND"]]);
  });

  test("a file the hub refuses is a refusal naming the material's file, and nothing is added", async () => {
    const current = value(await applicant.getCase(submitted[3]!.id));
    const attempt = (file: Blob | Uint8Array | { uri: string }) => applicant.addMaterials({
      caseId: current.id, expectedVersion: current.version!,
      materials: [{ typeCode: "OWNER_ID", fileRef: "scan://owner.jpg" }, { typeCode: "PROPERTY_CERTIFICATE", file }],
    });
    const notAScan = await attempt(new TextEncoder().encode("just some text, not a scan"));
    assert.ok(!notAScan.ok && notAScan.error.kind === "refused", JSON.stringify(notAScan));
    assert.deepEqual(notAScan.error.errors.map((e) => [e.field, e.code]), [["materials[1].file", "INVALID"]]);
    assert.match(notAScan.error.errors[0]!.message, /PDF, JPEG or PNG/);
    const empty = await attempt(new Blob([]));
    assert.ok(!empty.ok && empty.error.kind === "refused", JSON.stringify(empty));
    assert.deepEqual(empty.error.errors.map((e) => [e.field, e.code]), [["materials[1].file", "REQUIRED"]]);
    const unreadable = await attempt({ uri: "file:///nowhere/property.jpg" });
    assert.ok(!unreadable.ok && unreadable.error.kind === "upload", JSON.stringify(unreadable));
    assert.equal(unreadable.error.field, "materials[1].file");
    const materials = (c: CaseDetailFragment) => c.materials?.map((m) => [m.typeCode, m.fileRef, m.file?.sha256]); // links are signed anew
    assert.deepEqual(materials(value(await applicant.getCase(current.id))), materials(current));
  });

  test("a refused submission names each field and code, and files nothing", async () => {
    const before = value(await applicant.myCases({ first: 50 })).cases.length;
    const answer = await applicant.submitCase(application(idNumber.slice(0, 17) + (idNumber.endsWith("1") ? "2" : "1"), null, {
      channel: "MOBILE_APP", site: { address: "开封市龙亭区北门大街 12 号", districtCode: "110101" },
    }));
    assert.equal(answer.ok, false);
    assert.ok(!answer.ok && answer.error.kind === "refused");
    const byField = Object.fromEntries(answer.error.errors.map((e) => [e.field, e.code]));
    assert.equal(byField["applicant.idNumber"], "INVALID");
    assert.equal(byField["site.districtCode"], "INVALID");
    assert.equal(value(await applicant.myCases({ first: 50 })).cases.length, before);
  });

  test("an applicant may not submit as a window clerk: FORBIDDEN", async () => {
    const answer = await applicant.submitCase(application(idNumber, null));
    assert.ok(!answer.ok && answer.error.kind === "refused");
    assert.deepEqual(answer.error.errors.map((e) => e.code), ["FORBIDDEN"]);
  });

  test("the application form: districts to pick and the materials each service asks for", async () => {
    const form = value(await applicant.applicationForm("TRANSFER", "INDIVIDUAL"));
    assert.ok(form.districts.some((d) => d.code === "410202" && d.name === "龙亭区" && d.active));
    const water = form.materialsCatalogue.find((r) => r.service === "WATER");
    assert.ok(water?.groups?.some((g) => g.types?.some((t) => t.code === "PROPERTY_CERTIFICATE")));
  });

  test("a refused token is `unauthenticated`, and so is a token function that fails", async () => {
    const expired = new HubClient({ url: hubUrl(), token: tokens.CLERK!.slice(0, -4) + "AAAA" });
    const answer = await expired.myCases();
    assert.ok(!answer.ok && answer.error.kind === "unauthenticated", JSON.stringify(answer));
    const signedOut = new HubClient({ url: hubUrl(), token: () => Promise.reject(new Error("signed out")) });
    assert.deepEqual(await signedOut.myCases(), { ok: false, error: { kind: "unauthenticated", message: "no token: signed out" } });
  });
});

describe("the case screen: what was filed, at the window and in the app", () => {
  let tokens: Record<string, string>;
  let clerk: HubClient;
  let applicant: HubClient;
  const idNumber = newIdNumber();

  before(async () => {
    tokens = await demoTokens();
    clerk = new HubClient({ url: hubUrl(), token: tokens.CLERK! });
    applicant = new HubClient({ url: hubUrl(), token: await mintToken("APPLICANT", { subject: idNumber }) });
  });

  test("a transfer taken at the window: 原户主, 联系人, the intake's boxes, the signed commitment, the print link", async () => {
    const filed = value(await clerk.submitCase({
      caseType: "TRANSFER", channel: "CITIZEN_CENTRE_WINDOW", commitment: await commitmentFor(clerk, "TRANSFER", false),
      applicant: { kind: "INDIVIDUAL", name: "赵敏", phone: "13600136000", idNumber, subject: idNumber },
      previousHolder: { kind: "INDIVIDUAL", name: "刘秀英", idNumber: "410203196505080063", phone: "13500135000" },
      contact: { name: "赵强", phone: "13300133000" },
      intake: { notes: "原件已核验", opinion: "同意受理" },
      site: { address: "开封市禹王台区三里堡路 9 号", districtCode: "410205" },
      water: { accountNumber: "W-400871" }, gas: { accountNumber: "G-400871" },
    }));
    const shown = value(await applicant.getCase(filed.id)); // the applicant's own screen in the app
    assert.deepEqual([shown.previousHolder?.kind, shown.previousHolder?.name], ["INDIVIDUAL", "刘秀英"]);
    assert.deepEqual(shown.contact, { name: "赵强", phone: "13300133000" });
    assert.deepEqual([shown.intake?.notes, shown.intake?.opinion], ["原件已核验", "同意受理"]);
    assert.ok(shown.intake?.acceptingUnit && shown.intake.receivedBy, "the clerk's unit and account by default");
    const commitment = shown.commitment;
    assert.deepEqual([commitment?.agreedBy, commitment?.channel, commitment?.identityVerification],
      ["APPLICANT", "WINDOW_SIGNATURE", "ID_CARD_CHECKED"]);
    assert.match(commitment?.textSha256 ?? "", /^[0-9a-f]{64}$/);
    assert.match(commitment?.text?.title ?? "", /过户/);
    // 需安检完毕，结清所有费用: the gas company must confirm both before completing; nothing is met yet
    const gas = shown.assignments?.find((a) => a.service === "GAS");
    assert.deepEqual(gas?.preconditions?.map((p) => [p.code, p.met, p.on]),
      [["GAS_SAFETY_CHECK_DONE", false, null], ["GAS_FEES_SETTLED", false, null]]);
    assert.deepEqual(shown.assignments?.find((a) => a.service === "WATER")?.preconditions, []);
    // 申请表打印: the link opens the filled form without a token
    const form = await fetch(shown.applicationFormUrl!);
    assert.equal(form.status, 200);
    assert.equal(form.headers.get("content-type"), "application/pdf");
    assert.equal(new TextDecoder().decode((await form.arrayBuffer()).slice(0, 5)), "%PDF-");
  });

  test("a connection filed in the app: 需要增值税发票 with its details, and telecom's 其他要求", async () => {
    const commitment = await commitmentFor(applicant, "CONNECTION_INDIVIDUAL", true);
    const filed = value(await applicant.submitCase({
      caseType: "CONNECTION", channel: "MOBILE_APP", commitment,
      applicant: { kind: "INDIVIDUAL", name: "赵敏", phone: "13600136000", idNumber },
      site: { address: "开封市禹王台区三里堡路 9 号", districtCode: "410205" },
      telecom: { productTypes: ["BROADBAND"], installAddress: "3 单元 201", otherRequirements: "周末上门安装" },
      vatInvoiceWanted: true,
      vatInvoice: { name: "赵敏", phone: "13600136000", taxNumber: "91410200MA44R8K3U1", taxAddress: "开封市禹王台区三里堡路 9 号",
                    bank: "中国银行开封分行", bankAccount: "6216600100001234567" },
    }));
    assert.deepEqual([filed.telecom?.productTypes, filed.telecom?.otherRequirements], [["BROADBAND"], "周末上门安装"]);
    assert.equal(filed.vatInvoiceWanted, true);
    assert.deepEqual([filed.vatInvoice?.name, filed.vatInvoice?.bank], ["赵敏", "中国银行开封分行"]);
    assert.deepEqual([filed.commitment?.channel, filed.commitment?.version], ["ONLINE_CONSENT", commitment.version]);
    assert.equal(filed.previousHolder, null, "a connection has no 原户主");
  });
});

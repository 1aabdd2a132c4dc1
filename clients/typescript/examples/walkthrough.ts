// An applicant's session, as the 汴捷办 app or the government portal runs it: the form's choices, a refused and
// an accepted submission, my cases page by page, 补正, then the case followed live.
import { readFile } from "node:fs/promises";
import WebSocket from "ws";
import { HubClient, type CasePage, type FollowError, type NewCase, type Result } from "@kaifeng-hub/client";

const hub = new HubClient({
  url: process.env.HUB_URL ?? "http://127.0.0.1:8000",
  token: process.env.APPLICANT_TOKEN ?? "", // in the app: the signed-in user's token, or a function returning it
  webSocketImpl: WebSocket, // Node.js 20 only: React Native and browsers have a WebSocket of their own
});

function explain(error: FollowError): string {
  switch (error.kind) {
    case "refused":
      return error.errors.map((e) => `  ${e.field ?? "(request)"}: ${e.code} ${e.message}`).join("\n");
    case "unauthenticated":
      return `please sign in again (${error.message})`;
    case "unavailable":
      return `the hub is busy, try again in ${error.retryAfterSeconds ?? 30} s`;
    case "network":
      return `no connection (${error.message})`;
    case "upload":
      return `${error.field}: ${error.message}`;
    case "server":
      return `something went wrong at the hub; quote incident ${error.incident ?? "(none)"}`;
    default:
      return JSON.stringify(error);
  }
}

function orExit<T>(result: Result<T>): T {
  if (!result.ok) {
    console.error(explain(result.error));
    process.exit(1);
  }
  return result.value;
}

// 1. What the form offers: the districts, and what a person's transfer asks for.
const form = orExit(await hub.applicationForm("TRANSFER", "INDIVIDUAL"));
console.log(`districts: ${form.districts.filter((d) => d.active).map((d) => d.name).join(" ")}`);

// 2. A mistake comes back naming the field, and nothing is filed.
const application: NewCase = {
  caseType: "TRANSFER",
  channel: "MOBILE_APP",
  applicant: { kind: "INDIVIDUAL", name: "张伟", phone: "13800138000", idNumber: "410202198803120038" },
  previousHolder: { kind: "INDIVIDUAL", name: "刘秀英", idNumber: "410203196505080063" }, // 原户主, who holds the accounts now
  site: { address: "开封市龙亭区北门大街 12 号", districtCode: "410202" },
  water: { accountNumber: "W-100231" },
  electricity: { accountNumber: "0410023344" },
  materials: [{ typeCode: "RESIDENT_ID_CARD", number: "410202198803120038", fileRef: "scan://id-card.jpg" }],
  // 申请人签章: the applicant read the form's commitment and the personal-information notice, and agreed in the app.
  commitment: {
    version: form.commitmentTexts.find((t) => t.form === "TRANSFER")?.version ?? "",
    noticeSha256: form.privacyNotice?.sha256 ?? "",
    channel: "ONLINE_CONSENT", identityVerification: "REAL_NAME_LOGIN",
  },
};
const wrong = await hub.submitCase({ ...application, site: { address: "北京市东城区", districtCode: "110101" } });
if (!wrong.ok) {
  console.log(`refused:\n${explain(wrong.error)}`);
}

// 3. Submit: one application, one assignment per service.
const filed = orExit(await hub.submitCase(application));
console.log(`submitted ${filed.number}: ${filed.status}`);
for (const a of filed.assignments ?? []) {
  const missing = a.materials?.missingGroups?.map((g) => g.name).join("、");
  console.log(`  ${a.service} (${a.organisation?.name}): ${a.status}${missing ? `, missing ${missing}` : ""}`);
}

// 4. My cases, newest first, a page at a time.
let after: string | null = null;
do {
  const page: CasePage = orExit(await hub.myCases({ first: 5, after }));
  for (const c of page.cases) {
    console.log(`  ${c.number} ${c.status}`);
  }
  after = page.hasNextPage ? page.endCursor : null;
} while (after);

// 5. 补正: add the property certificate with its scan; the client uploads the file to the hub first (in the app:
//    the Blob, or the picker's {uri, name, type}). Each assignment checks its materials again.
const scan = await readFile(new URL("../../examples/property-certificate.pdf", import.meta.url));
const supplemented = orExit(await hub.addMaterials({
  caseId: filed.id,
  expectedVersion: filed.version ?? 0, // the version read; CONFLICT if the case changed since
  materials: [{ typeCode: "PROPERTY_CERTIFICATE", number: "豫(2024)开封市不动产权第0012345号", file: new Uint8Array(scan) }],
}));
console.log(`materials complete: ${supplemented.assignments?.map((a) => `${a.service} ${a.materials?.complete}`).join(", ")}`);
const certificate = supplemented.materials?.find((m) => m.typeCode === "PROPERTY_CERTIFICATE")?.file;
console.log(`certificate: ${certificate?.contentType}, ${certificate?.size} bytes, sha256 ${certificate?.sha256}`);
console.log(`  download for a few minutes: ${certificate?.downloadUrl ?? "(not granted)"}`);

// 6. Follow the case: its history from "0", then each change as it happens. Keep the cursor (in the app's
//    storage) and pass it as `after` next time to get only what came since.
let cursor: string | null = "0";
console.log(`following ${filed.number}; to see a live event, in another terminal run:`);
console.log(`  node build/examples/water-acknowledges.js ${filed.number}`);
await new Promise<void>((stopped) => {
  const follow = hub.followCase(filed.id, {
    after: cursor,
    onEvent(event) {
      console.log(`  ${event.kind}: case ${event.case?.status}`);
      cursor = event.cursor;
      if (event.kind === "ASSIGNMENT_RECEIVED") {
        follow.close();
        stopped();
      }
    },
    onStatus(status) {
      if (status.state === "waiting") {
        console.log(`  connection lost, again in ${status.delayMs} ms`);
      }
    },
    onError(error) {
      console.error(explain(error));
      stopped();
    },
  });
});
console.log(`next time, follow with after: "${cursor}"`);

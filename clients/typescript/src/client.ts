// The typed API an app calls: each method answers a Result instead of throwing.
import type { DocumentMode } from "./documents.js";
import { fail, ok, type Result, type UserError } from "./errors.js";
import { CaseFollow, type FollowOptions, type ReconnectOptions } from "./follow.js";
import {
  AddMaterialsDocument, ApplicationFormDocument, CaseByIdDocument, CaseByNumberDocument, MyCasesDocument,
  SubmitCaseDocument,
  type ApplicantKind, type ApplicationFormQuery, type CaseDetailFragment, type CaseFilterInput, type CaseSummaryFragment,
  type CaseType, type SubmitCaseInput,
} from "./generated/graphql.js";
import { toMaterialInputs, type NewMaterial } from "./materials.js";
import { execute, type Link, type TokenSource } from "./transport.js";

export interface HubClientOptions {
  /** The hub's base URL, e.g. "https://hub.example.cn" (the API is at /graphql, HTTP and WebSocket). */
  url: string;
  token: TokenSource;
  /** How operations are sent: full text ("query", default), persisted id ("id") or Apollo APQ hash ("apq"). */
  documents?: DocumentMode;
  /** Defaults to the global fetch; also sends the files of materials, and reads a React Native `{uri}`. */
  fetch?: typeof fetch;
  /** A WebSocket class where there is no global one (Node.js before 22: the `ws` package). */
  webSocketImpl?: unknown;
  reconnect?: Partial<ReconnectOptions>;
  /** The language of the hub's messages (Accept-Language, over HTTP and WebSocket), e.g. "en"; without it the hub
   *  answers in Simplified Chinese. Codes and field paths are the same in every language. */
  language?: string;
}

/** An application to submit; a material's `file` may be the file itself, uploaded to the hub first. */
export type NewCase = Omit<SubmitCaseInput, "materials"> & { materials?: NewMaterial[] | null };

export interface AddMaterialsRequest {
  caseId: string;
  /** The case's `version` as you read it; a stale one is refused with CONFLICT. */
  expectedVersion: number;
  materials: NewMaterial[];
}

export interface CasePage {
  cases: CaseSummaryFragment[];
  hasNextPage: boolean;
  /** Pass as `after` for the next page. */
  endCursor: string | null;
}

export interface PageRequest {
  first?: number;
  after?: string | null;
  filter?: CaseFilterInput | null;
}

const NOT_FOUND: UserError[] = [{ field: "id", code: "NOT_FOUND", message: "no such case" }];

export class HubClient {
  readonly #link: Link;
  readonly #options: HubClientOptions;

  constructor(options: HubClientOptions) {
    this.#options = options;
    const { token } = options;
    const base = options.url.replace(/\/+$/, "");
    this.#link = {
      endpoint: `${base}/graphql`,
      files: `${base}/files`,
      token: typeof token === "function" ? async () => token() : async () => token,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      documents: options.documents ?? "query",
      language: options.language,
    };
  }

  /** File one application; all or nothing (files given with materials are uploaded first, and kept by the hub only if attached). */
  async submitCase(application: NewCase): Promise<Result<CaseDetailFragment>> {
    const materials = await toMaterialInputs(this.#link, application.materials ?? [], "materials");
    if (!materials.ok) {
      return materials;
    }
    const input = { ...application, materials: materials.value };
    const answer = await execute(this.#link, SubmitCaseDocument, { input });
    return payload(answer.ok ? ok(answer.value.submitCase) : answer);
  }

  /** The cases you may see (an applicant: their own), newest first, a page at a time. */
  async myCases({ first = 20, after = null, filter = null }: PageRequest = {}): Promise<Result<CasePage>> {
    const answer = await execute(this.#link, MyCasesDocument, { first, after, filter });
    if (!answer.ok) {
      return answer;
    }
    const { edges, pageInfo } = answer.value.cases;
    return ok({ cases: edges.map((e) => e.node), hasNextPage: pageInfo.hasNextPage, endCursor: pageInfo.endCursor ?? null });
  }

  /** One case with its assignments; NOT_FOUND when it does not exist or is not yours to see. */
  async getCase(id: string): Promise<Result<CaseDetailFragment>> {
    const answer = await execute(this.#link, CaseByIdDocument, { id });
    return answer.ok ? found(answer.value.case) : answer;
  }

  /** One case by its human number, e.g. KF20261127-7Q3M9X2A. */
  async getCaseByNumber(number: string): Promise<Result<CaseDetailFragment>> {
    const answer = await execute(this.#link, CaseByNumberDocument, { number });
    return answer.ok ? found(answer.value.caseByNumber) : answer;
  }

  /** 补正: add materials; the hub re-checks them and resumes the assignments waiting on them. */
  async addMaterials({ caseId, expectedVersion, materials }: AddMaterialsRequest): Promise<Result<CaseDetailFragment>> {
    const inputs = await toMaterialInputs(this.#link, materials, "materials");
    if (!inputs.ok) {
      return inputs;
    }
    const answer = await execute(this.#link, AddMaterialsDocument, { input: { caseId, expectedVersion, materials: inputs.value } });
    return payload(answer.ok ? ok(answer.value.addMaterials) : answer);
  }

  /** For the application form: Kaifeng's districts, and the materials each service asks of this applicant. */
  async applicationForm(caseType: CaseType, applicantKind: ApplicantKind): Promise<Result<ApplicationFormQuery>> {
    return execute(this.#link, ApplicationFormDocument, { caseType, applicantKind });
  }

  /** Follow one case live from `options.after`; reconnects by itself until `close()` or a lasting error. */
  followCase(caseId: string, options: FollowOptions): CaseFollow {
    const webSocketImpl = this.#options.webSocketImpl ?? globalThis.WebSocket;
    if (!webSocketImpl) {
      throw new TypeError("no WebSocket here: pass webSocketImpl (e.g. the `ws` package on Node.js 20)");
    }
    const { token } = this.#options;
    const link = {
      ...this.#link,
      url: this.#link.endpoint.replace(/^http/, "ws"),
      renewable: typeof token === "function",
      webSocketImpl,
      reconnect: { minDelayMs: 1000, maxDelayMs: 30_000, keepAliveMs: 15_000, ...this.#options.reconnect },
    };
    return new CaseFollow(link, caseId, options);
  }
}

/** A mutation's answer: its payload is null only with errors (e.g. INTERNAL with an incident), mapped by `execute`. */
function payload(answer: Result<{ case: CaseDetailFragment | null; errors: UserError[] } | null>): Result<CaseDetailFragment> {
  if (!answer.ok) {
    return answer;
  }
  if (answer.value === null) {
    return fail({ kind: "server", status: 200, message: "the mutation answered null without an error", incident: null });
  }
  const { case: record, errors } = answer.value;
  if (errors.length > 0) {
    return fail({ kind: "refused", errors });
  }
  return record ? ok(record) : fail({ kind: "server", status: 200, message: "the answer has neither the case nor errors", incident: null });
}

function found(record: CaseDetailFragment | null): Result<CaseDetailFragment> {
  return record ? ok(record) : fail({ kind: "refused", errors: NOT_FOUND });
}

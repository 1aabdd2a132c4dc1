// Every outcome is a value: `Result<T>` is either the data or a `HubError` saying what went wrong and what to do.
import type { ErrorCode } from "./generated/graphql.js";

/** One reason the hub refused a request (a mutation's `errors`, or a query's coded error). Nothing was written. */
export interface UserError {
  /** The input path, e.g. `applicant.idNumber` or `materials[0].typeCode`; null when the whole request is refused. */
  field: string | null;
  code: ErrorCode;
  message: string;
}

export type HubError =
  /** The hub refused the request: fix the named fields (INVALID, REQUIRED, OUT_OF_RANGE), reload (CONFLICT), … */
  | { kind: "refused"; errors: UserError[] }
  /** HTTP 401, or a WebSocket whose token was refused again after a renewal: sign in again. */
  | { kind: "unauthenticated"; message: string }
  /** HTTP 403 from the hub or a gateway in front of it. */
  | { kind: "forbidden"; message: string }
  /** HTTP 503 (also 429, 502, 504): try again later, after `retryAfterSeconds` when the answer says. */
  | { kind: "unavailable"; status: number; message: string; retryAfterSeconds: number | null }
  /** The hub could not be reached (no network, DNS, connection refused or reset). */
  | { kind: "network"; message: string; cause?: unknown }
  /** A material's file could not be read on this device (e.g. a React Native `uri`); nothing was sent to the hub. */
  | { kind: "upload"; field: string; message: string; cause?: unknown }
  /**
   * The hub would not run the operation as this build names it: its manifest (dist/persisted-documents.json) is not
   * registered there, or the hub takes only registered documents from your role (HUB_REGISTERED_DOCUMENTS_ONLY).
   * Not the user's doing, and retrying will not help: register the manifest (`hub documents load`) before release.
   */
  | { kind: "document"; code: DocumentErrorCode; message: string }
  /** A live follow's WebSocket was closed with a code that retrying will not change. */
  | { kind: "closed"; code: number; reason: string }
  /** Anything unexpected: quote `incident` (the hub's log id) when reporting it. */
  | { kind: "server"; status: number; message: string; incident: string | null };

/**
 * Why the hub refused a document named by hash or sent as text (see docs/read-path.md, "Persisted documents"):
 * - `PERSISTED_DOCUMENT_REQUIRED`: a text not registered, from a role held to registered documents;
 * - `PERSISTED_DOCUMENT_NOT_FOUND`: a `documentId` (or, held to registered documents, an APQ hash) not registered;
 * - `PERSISTED_DOCUMENT_HASH_MISMATCH`: a text sent with a hash that is not its own;
 * - `PERSISTED_QUERY_NOT_FOUND`: an APQ hash unknown even after the text was sent with it.
 */
export type DocumentErrorCode =
  | "PERSISTED_DOCUMENT_REQUIRED" | "PERSISTED_DOCUMENT_NOT_FOUND" | "PERSISTED_DOCUMENT_HASH_MISMATCH"
  | "PERSISTED_QUERY_NOT_FOUND";

const DOCUMENT_CODES: readonly string[] = [
  "PERSISTED_DOCUMENT_REQUIRED", "PERSISTED_DOCUMENT_NOT_FOUND", "PERSISTED_DOCUMENT_HASH_MISMATCH",
  "PERSISTED_QUERY_NOT_FOUND",
] satisfies DocumentErrorCode[];

export type Result<T> = { ok: true; value: T } | { ok: false; error: HubError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: HubError): Result<T> {
  return { ok: false, error };
}

// A new code in the schema fails compilation here until it is listed.
const HUB_CODES: Record<ErrorCode, true> = {
  INVALID: true, REQUIRED: true, OUT_OF_RANGE: true, NOT_FOUND: true, FORBIDDEN: true, CONFLICT: true,
  ILLEGAL_TRANSITION: true, UNAUTHENTICATED: true, PRECONDITION_NOT_MET: true,
};

function isHubCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.keys(HUB_CODES).includes(code);
}

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The hub's faults: not the caller's doing, so never a refusal. */
const UNAVAILABLE = "UNAVAILABLE"; // the database is down: retry later

/**
 * A GraphQL `errors` list as one HubError: the hub's coded errors are refusals, UNAVAILABLE a retry later, anything
 * else (INTERNAL with its incident id, e.g. a mutation field answered null) unexpected.
 */
export function fromGraphQLErrors(errors: readonly GraphQLErrorLike[], status: number): HubError {
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.includes("UNAUTHENTICATED")) {
    return { kind: "unauthenticated", message: errors[0]?.message ?? "unauthenticated" };
  }
  if (codes.includes(UNAVAILABLE)) { // 503 is answered before this; a 200 with it (a gateway rewrote the status) too
    const message = errors.find((e) => e.extensions?.code === UNAVAILABLE)?.message ?? "unavailable";
    return { kind: "unavailable", status, message, retryAfterSeconds: null };
  }
  const refusal = errors.find((e) => DOCUMENT_CODES.includes(e.extensions?.code as string));
  if (refusal) { // refused before execution, so the only error
    return { kind: "document", code: refusal.extensions?.code as DocumentErrorCode, message: refusal.message };
  }
  if (codes.every(isHubCode)) {
    return { kind: "refused", errors: errors.map((e) => ({ field: null, code: e.extensions?.code as ErrorCode, message: e.message })) };
  }
  const incident = errors.find((e) => typeof e.extensions?.incident === "string")?.extensions?.incident as string | undefined;
  return { kind: "server", status, message: errors.map((e) => e.message).join("; "), incident: incident ?? null };
}

export function describe(cause: unknown): string {
  if (cause instanceof Error) {
    return cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message;
  }
  return String(cause);
}

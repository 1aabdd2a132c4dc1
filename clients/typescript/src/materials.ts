// Materials (申报材料) name their scan one of three ways: a reference into another system's document store
// (`fileRef`), a file already uploaded to the hub (`file: {sha256}`), or the file itself, which the client uploads
// to the hub (`POST /files`, with the same token) before the request and then names by its SHA-256.
import { describe, fail, ok, type HubError, type Result, type UserError } from "./errors.js";
import type { MaterialInput } from "./generated/graphql.js";
import { messageOf, send, statusError, type Link } from "./transport.js";

/** A scan or photo (PDF, JPEG or PNG): a Blob/File in a browser, bytes, or `{uri, name, type}` from a React Native picker. */
export type MaterialFile = Blob | Uint8Array | ArrayBuffer | { uri: string; name?: string; type?: string };

/** A material as the hub takes it (`fileRef`, or `file: {sha256}` of an upload), or with its file still to upload. */
export type NewMaterial = MaterialInput | (Omit<MaterialInput, "file"> & { file: MaterialFile });

/** What the hub answers for an upload; the type is judged from the bytes. */
export interface UploadedFile {
  sha256: string;
  size: number;
  contentType: string;
}

/** Upload the files among `materials` (in order) and answer the hub's inputs; `path` names the list in errors. */
export async function toMaterialInputs(link: Link, materials: readonly NewMaterial[], path: string): Promise<Result<MaterialInput[]>> {
  const inputs: MaterialInput[] = [];
  for (const [index, material] of materials.entries()) {
    const { file, ...rest } = material;
    if (file === undefined || file === null || isUploaded(file)) {
      inputs.push({ ...rest, file });
      continue;
    }
    const uploaded = await uploadFile(link, file, `${path}[${index}].file`);
    if (!uploaded.ok) {
      return uploaded;
    }
    inputs.push({ ...rest, file: { sha256: uploaded.value.sha256 } });
  }
  return ok(inputs);
}

/** `POST /files` with the raw bytes; a refusal names `field` (the hub names the request `body`). */
export async function uploadFile(link: Link, file: MaterialFile, field: string): Promise<Result<UploadedFile>> {
  const bytes = await readFile(link, file);
  if (!bytes.ok) {
    return fail({ kind: "upload", field, message: bytes.message, cause: bytes.cause });
  }
  const sent = await send(link, link.files, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", accept: "application/json" }, // never a form: the body is the file
    body: bytes.body as BodyInit, // any Uint8Array (TypeScript's BodyInit wants one over a plain ArrayBuffer)
  });
  if (!sent.ok) {
    return sent;
  }
  const { response, body } = sent.value;
  if (response.status === 201 && typeof body?.sha256 === "string") {
    return ok({ sha256: body.sha256, size: Number(body.size), contentType: String(body.contentType) });
  }
  const refusals = userErrors(body?.errors, field);
  if (refusals && response.status < 500) { // 400 REQUIRED, 403 FORBIDDEN, 413 OUT_OF_RANGE, 415 INVALID
    return fail({ kind: "refused", errors: refusals });
  }
  const error: HubError = statusError(response, body)
    ?? { kind: "server", status: response.status, message: messageOf(response, body), incident: null };
  return fail(error);
}

/** The hub's `{field, code, message}` refusals of an upload, each re-named as the material's file; null when not. */
function userErrors(errors: unknown, field: string): UserError[] | null {
  if (!Array.isArray(errors) || errors.length === 0) {
    return null;
  }
  const refusals = errors.filter((e): e is UserError => typeof e?.code === "string" && typeof e?.message === "string");
  return refusals.length === errors.length ? refusals.map((e) => ({ field, code: e.code, message: e.message })) : null;
}

type Bytes = { ok: true; body: Blob | Uint8Array | ArrayBuffer } | { ok: false; message: string; cause?: unknown };

/** The bytes to send; a React Native `uri` (file://, content://, data:) is read with fetch, as React Native does. */
async function readFile(link: Link, file: MaterialFile): Promise<Bytes> {
  if (!isPickedFile(file)) {
    return { ok: true, body: file };
  }
  try {
    const response = await link.fetch(file.uri);
    if (!response.ok) {
      return { ok: false, message: `cannot read ${file.name ?? file.uri}: ${response.status}` };
    }
    return { ok: true, body: await response.blob() };
  } catch (cause) {
    return { ok: false, message: `cannot read ${file.name ?? file.uri}: ${describe(cause)}`, cause };
  }
}

function isPickedFile(file: MaterialFile): file is { uri: string; name?: string; type?: string } {
  return typeof (file as { uri?: unknown }).uri === "string";
}

function isUploaded(file: object): file is { sha256: string } {
  return typeof (file as { sha256?: unknown }).sha256 === "string" && !isPickedFile(file as MaterialFile);
}

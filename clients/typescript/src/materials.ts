// Materials (申报材料) travel as references to files in a document store (`fileRef`). A material may instead carry
// the file itself; the client then uploads it first, with the `uploadFile` it was given, and sends the reference.
import { describe, fail, ok, type Result } from "./errors.js";
import type { MaterialInput } from "./generated/graphql.js";

/** A scan or photo: a Blob/File in a browser, `{uri, name, type}` from a React Native picker. */
export type MaterialFile = Blob | { uri: string; name?: string; type?: string };

/** A material as the hub takes it (with `fileRef`), or with the file still to upload. */
export type NewMaterial = MaterialInput | (Omit<MaterialInput, "fileRef"> & { file: MaterialFile });

/** Stores one file and answers its reference (the `fileRef` the hub records). */
export type UploadFile = (file: MaterialFile, material: { typeCode: string }) => Promise<string>;

/** Upload the files among `materials` (in order) and answer the hub's inputs; `path` names the list in errors. */
export async function toMaterialInputs(
  materials: readonly NewMaterial[], upload: UploadFile | undefined, path: string,
): Promise<Result<MaterialInput[]>> {
  const inputs: MaterialInput[] = [];
  for (const [index, material] of materials.entries()) {
    if (!("file" in material)) {
      inputs.push(material);
      continue;
    }
    const field = `${path}[${index}].file`;
    if (!upload) {
      return fail({ kind: "upload", field, message: "a file was given but the client has no uploadFile; pass fileRef instead" });
    }
    const { file, ...rest } = material;
    try {
      inputs.push({ ...rest, fileRef: await upload(file, rest) });
    } catch (cause) {
      return fail({ kind: "upload", field, message: describe(cause), cause });
    }
  }
  return ok(inputs);
}

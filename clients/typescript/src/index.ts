export { HubClient, type AddMaterialsRequest, type CasePage, type HubClientOptions, type NewCase, type PageRequest } from "./client.js";
export type { DocumentMode } from "./documents.js";
export type { DocumentErrorCode, HubError, Result, UserError } from "./errors.js";
export type { CaseEvent, CaseFollow, FollowError, FollowOptions, FollowStatus, ReconnectOptions } from "./follow.js";
export type { MaterialFile, NewMaterial, UploadedFile } from "./materials.js";
export type { TokenSource } from "./transport.js";
export type * from "./generated/graphql.js";

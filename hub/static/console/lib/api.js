// The hub's GraphQL API with the signed-in person's token: the only way the console reads or changes anything.

import { config, currentToken, signOut } from "./auth.js";

export class ApiError extends Error {}

// Expected refusals of a mutation (UserError: field, code, message), shown to the user as they are.
export class Refused extends Error {
  constructor(errors) {
    super(errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("；"));
    this.errors = errors;
  }
}

export async function gql(query, variables = {}) {
  const token = currentToken();
  if (!token) throw new ApiError("未登录 Not signed in");
  const response = await fetch(config.graphql, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) {
    signOut("登录已失效，请重新登录。Your sign-in has expired.");
    throw new ApiError("登录已失效 Signed out");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`服务暂不可用 (HTTP ${response.status})`);
  }
  if (body.errors && body.errors.length) throw new ApiError(body.errors.map((e) => e.message).join("；"));
  return body.data;
}

// A mutation whose payload carries `errors`: returns the payload, or throws Refused.
export async function mutate(query, variables, name) {
  const data = await gql(query, variables);
  const payload = data[name];
  if (!payload) throw new ApiError("操作未完成 The operation did not complete");
  if (payload.errors && payload.errors.length) throw new Refused(payload.errors);
  return payload;
}

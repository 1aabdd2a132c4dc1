// Runs graphql-http's audit of the GraphQL-over-HTTP spec against the URL given as the first argument,
// sending the bearer token from HUB_AUDIT_TOKEN with every request; prints {ok, warnings, errors} as JSON.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const token = process.env.HUB_AUDIT_TOKEN;

const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
const summary = { ok: 0, warnings: [], errors: [] };
for (const result of results) {
  if (result.status === 'ok') {
    summary.ok += 1;
    continue;
  }
  const entry = { id: result.id, name: result.name, reason: result.reason };
  (result.status === 'warn' ? summary.warnings : summary.errors).push(entry);
}
console.log(JSON.stringify(summary));

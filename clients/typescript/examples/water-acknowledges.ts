// The water company's side of the walkthrough: acknowledge the water assignment of one case, over plain GraphQL.
// (Utilities usually run the Python agent in clients/python; any HTTP client speaks to the hub.)
const number = process.argv[2];
const url = process.env.HUB_URL ?? "http://127.0.0.1:8000";

async function graphql(query: string, variables: object): Promise<{ data?: any; errors?: unknown }> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${process.env.WATER_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

// A utility sees only its own assignment of a case.
const found = await graphql("query ($number: String!) { caseByNumber(number: $number) { assignments { id version } } }", { number });
const water = found.data?.caseByNumber?.assignments?.[0];
if (!water) {
  console.error(`no water assignment for ${number}: ${JSON.stringify(found)}`);
  process.exit(1);
}
const answer = await graphql(
  `mutation ($id: ID!, $version: Int!) { acknowledgeAssignment(input: { assignmentId: $id, expectedVersion: $version }) {
     assignment { status version } errors { code message } } }`,
  { id: water.id, version: water.version },
);
console.log(JSON.stringify(answer.data?.acknowledgeAssignment ?? answer));

// The GraphQL-over-HTTP specification's audit suite (graphql-http's serverAudits) against
// the server at argv[2]; prints one JSON line per audit: id, name, status, reason.
import { serverAudits } from "graphql-http";

const url = process.argv[2];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  console.log(JSON.stringify({ id: audit.id, name: audit.name, status: result.status, reason: result.reason ?? null }));
}

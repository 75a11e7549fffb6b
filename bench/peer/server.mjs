// The peer: the Neo4j GraphQL Library (@neo4j/graphql) served by graphql-yoga on node:http,
// reading the same Neo4j as alliancegraph. Settings come from the environment so the
// benchmark (bench/peer/__main__.py) can start it on a free port:
//   NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, PEER_PORT; PEER_PRINT_SCHEMA=1 prints the SDL.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { Neo4jGraphQL } from "@neo4j/graphql";
import { printSchema } from "graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(new URL("./typedefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
if (process.env.PEER_PRINT_SCHEMA) {
  process.stdout.write(printSchema(schema));
  await driver.close();
  process.exit(0);
}
await driver.verifyConnectivity();

// Production-like: no GraphiQL, no per-request logging, errors masked as yoga does by default.
const yoga = createYoga({ schema, graphiql: false, logging: false });
const server = createServer(yoga);
const port = Number(process.env.PEER_PORT ?? 4000);
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => console.log(`READY http://127.0.0.1:${port}/graphql`));

async function stop() {
  server.close();
  await driver.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

// The load generator both servers are measured with: autocannon, keep-alive HTTP/1.1,
// `connections` concurrent connections, each sending its next request when the previous
// answer is in (no pipelining). Every request takes the next body of `bodies` in one
// round-robin shared by all connections, so the ids rotate and no connection repeats one
// cached answer. Reads a JSON spec on stdin:
//   {"url": ..., "bodies": ["{...}", ...], "connections": 8, "duration": 10}
// and prints one JSON line: requests, seconds, rps, latency percentiles (ms, from each
// request's own hrtime duration, not autocannon's integer histogram), errors (HTTP
// non-2xx, socket errors, timeouts, and 200s whose body carries GraphQL "errors").
import { readFileSync } from "node:fs";

import autocannon from "autocannon";

const spec = JSON.parse(readFileSync(0, "utf8"));
const bodies = spec.bodies;
let next = 0;
let graphqlErrors = 0;
let firstError = null;
const durations = [];

const instance = autocannon({
  url: spec.url,
  method: "POST",
  headers: { "content-type": "application/json" },
  connections: spec.connections,
  pipelining: 1,
  duration: spec.duration,
  timeout: 30,
  requests: [
    {
      setupRequest: (request) => {
        const body = bodies[next];
        next = (next + 1) % bodies.length;
        return { ...request, body };
      },
      onResponse: (status, body) => {
        if (status === 200 && body.includes('"errors"')) {
          graphqlErrors += 1;
          firstError ??= body.slice(0, 500);
        }
      },
    },
  ],
});
instance.on("response", (_client, _status, _bytes, ms) => durations.push(ms));

instance.on("done", (result) => {
  durations.sort((a, b) => a - b);
  const q = (p) =>
    durations.length ? durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] : null;
  const seconds = result.duration;
  process.stdout.write(
    JSON.stringify({
      requests: durations.length,
      seconds,
      rps: durations.length / seconds,
      p50_ms: q(0.5),
      p90_ms: q(0.9),
      p99_ms: q(0.99),
      max_ms: durations.at(-1) ?? null,
      non2xx: result.non2xx,
      socket_errors: result.errors,
      timeouts: result.timeouts,
      graphql_errors: graphqlErrors,
      first_error: firstError,
    }) + "\n",
  );
});

// The page's only channel to the server: POST JSON to /graphql. Queries are written by hand
// (production mode turns introspection off), and each asks only for what its view draws.

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_KEY = "alliancegraph.token";

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Relative, so the page works at `/` and behind a proxy under a sub-path alike.
const ENDPOINT = new URL("graphql", document.baseURI).toString();

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new GraphQLError(String(err), "UNAVAILABLE");
  }
  let body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  try {
    body = await response.json();
  } catch {
    throw new GraphQLError(`HTTP ${response.status}`, response.status === 401 ? "FORBIDDEN" : "INTERNAL");
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    const ext = first.extensions ?? {};
    throw new GraphQLError(first.message, String(ext.code ?? "INTERNAL"), ext);
  }
  if (!body.data) throw new GraphQLError(`HTTP ${response.status}`, "INTERNAL");
  return body.data;
}

/** Every page of a Relay connection, `first` at a time; `onPage` sees each as it arrives. */
export async function allPages<N>(
  fetchPage: (after: string | null) => Promise<{ edges: { node: N }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>,
  onPage?: (nodes: N[]) => void,
  maxPages = 200,
): Promise<N[]> {
  const all: N[] = [];
  let after: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(after);
    const nodes = page.edges.map((e) => e.node);
    all.push(...nodes);
    onPage?.(nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  return all;
}

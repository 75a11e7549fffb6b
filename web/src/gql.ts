// The page's only channel to the server: /graphql. Queries are written by hand (production
// mode turns introspection off), and each asks only for what its view draws.
//
// Persisted operations (Apollo's APQ protocol, api/persisted.py): a read goes as a GET
// carrying only the document's SHA-256, which the browser can cache and revalidate by
// ETag; on PersistedQueryNotFound the page registers the document (POST, document and
// hash) and has its answer. A server with an allow-list (ALLIANCEGRAPH_OPERATIONS, built
// from these very documents by scripts/operations.py) knows every hash already.

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

type Body<T> = { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };

const hashes = new Map<string, Promise<string | null>>();

/** The document's SHA-256 in hex; null where the browser has no WebCrypto (not a secure
 * context), and then the page sends documents in full. */
function sha256(text: string): Promise<string | null> {
  let found = hashes.get(text);
  if (!found) {
    found = crypto.subtle
      ? crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then((d) =>
          Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join(""),
        )
      : Promise.resolve(null);
    hashes.set(text, found);
  }
  return found;
}

async function send<T>(url: string, init: RequestInit): Promise<{ response: Response; body: Body<T> }> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.method === "POST") headers["content-type"] = "application/json";
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch (err) {
    throw new GraphQLError(String(err), "UNAVAILABLE");
  }
  try {
    return { response, body: await response.json() };
  } catch {
    throw new GraphQLError(`HTTP ${response.status}`, response.status === 401 ? "FORBIDDEN" : "INTERNAL");
  }
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const hash = await sha256(query);
  let result: { response: Response; body: Body<T> };
  if (hash) {
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    const params = new URLSearchParams({ variables: JSON.stringify(variables), extensions: JSON.stringify(extensions) });
    result = await send<T>(`${ENDPOINT}?${params}`, { method: "GET" });
    if (result.body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
      result = await send<T>(ENDPOINT, { method: "POST", body: JSON.stringify({ query, variables, extensions }) });
    }
  } else {
    result = await send<T>(ENDPOINT, { method: "POST", body: JSON.stringify({ query, variables }) });
  }
  const { response, body } = result;
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

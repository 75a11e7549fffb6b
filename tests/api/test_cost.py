"""The cost budget cannot silently break a legitimate query.

Every GraphQL document of the planner's page (`web/src/**/*.ts`), of the README's samples
and of `tests/api` is priced with the default settings, its `first` variables at the page
size the page passes (100, the maximum), and must be within the default budget. The
fan-out of the abuse review must be far over it.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from graphql import DocumentNode, GraphQLError, parse, validate

from api.cost import query_cost
from api.schema import build_schema
from graphmodel.settings import Settings

ROOT = Path(__file__).parents[2]
SETTINGS = Settings(production=False)
SCHEMA = build_schema(SETTINGS)._schema
WORST_FIRST = {"first": SETTINGS.max_page_size}


def valid(text: str) -> DocumentNode | None:
    try:
        document = parse(text)
    except GraphQLError:
        return None
    return None if validate(SCHEMA, document) else document


def web_queries() -> dict[str, str]:
    """The page's template-string queries, `${NAME}` filled from the file's constants."""
    found = {}
    for path in sorted((ROOT / "web" / "src").rglob("*.ts")):
        source = path.read_text(encoding="utf-8")
        consts = dict(re.findall(r'^const ([A-Z_]+) = "([^"]*)";', source, re.M))

        def fill(m: re.Match[str], consts: dict[str, str] = consts) -> str:
            return consts[m.group(1)]

        for name, body in re.findall(r"^const ([A-Z_]+) = `(.*?)`;", source, re.M | re.S):
            consts[name] = re.sub(r"\$\{([A-Z_]+)\}", fill, body)
            if re.match(r"\s*(query|mutation)\b", consts[name]):
                found[f"{path.relative_to(ROOT)}:{name}"] = consts[name]
    return found


def readme_queries() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", text, re.S)
    # The curl examples carry queries in JSON bodies.
    curls = [json.loads(body)["query"] for body in re.findall(r"-d '(\{.*?\})'", text)]
    return {f"README.md#{k}": q for k, q in enumerate(blocks + curls)}


def api_test_queries() -> dict[str, str]:
    found = {}
    for path in sorted((ROOT / "tests" / "api").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant):
                continue
            text = node.value
            if isinstance(text, str) and "{" in text and valid(text) is not None:
                found[f"{path.name}:{node.lineno}"] = text
    return found


def test_the_collectors_find_the_queries() -> None:
    web, readme, tests = web_queries(), readme_queries(), api_test_queries()
    assert len(web) >= 10 and any("DivisionGraph" in q for q in web.values())
    assert len(readme) >= 5
    assert len(tests) >= 20
    invalid = [k for k, q in {**web, **readme}.items() if valid(q) is None]
    assert not invalid, f"not valid against the schema: {invalid}"


@pytest.mark.parametrize(
    "source", [web_queries, readme_queries, api_test_queries], ids=["web", "readme", "tests-api"]
)
def test_legitimate_queries_are_within_the_default_budget(source: object) -> None:
    assert callable(source)
    costs = {k: query_cost(SCHEMA, parse(q), WORST_FIRST, None, SETTINGS.max_page_size)
             for k, q in source().items()}  # fmt: skip
    over = {k: c for k, c in costs.items() if c > SETTINGS.max_cost}
    assert not over, f"over the budget of {SETTINGS.max_cost}: {over}"


def test_the_fan_out_of_the_review_is_far_over_the_budget() -> None:
    inner = "members { institution { alliances { members { institution { id } } } } }"
    attack = "{ " + " ".join(
        f"a{k}: institutions(first: 100) {{ nodes {{ alliances {{ {inner} }} }} }}"
        for k in range(20)
    ) + " }"  # fmt: skip
    assert query_cost(SCHEMA, parse(attack)) > 1000 * SETTINGS.max_cost


def test_a_page_size_multiplies_what_is_below_it() -> None:
    def cost(q: str, variables: dict[str, object] | None = None) -> int:
        return query_cost(SCHEMA, parse(q), variables)

    one = "query($n: Int = 20) { institutions(first: $n) { nodes { id name } } }"
    assert cost(one, {"n": 10}) == 2 + 10 * 2  # institutions, nodes; each node's id and name
    assert cost(one) == 2 + 20 * 2  # the variable's default
    assert cost(one, {"n": 10**6}) == 2 + 100 * 2  # past the page-size limit: the limit
    assert cost("{ institutions { nodes { id } } }") == 2 + 20  # the argument's default
    # A division tree reaches each division once: its chain shares one population.
    tree = "{ rootDivisions { code children { code children { code children { code } } } } }"
    assert cost(tree) <= 2 * 50_000 + 40

"""The whole error tree of alliancegraph.

```
AllianceGraphError
├── NotFoundError            a named thing does not exist (institution, alliance, sample…)
├── AmbiguousError           a name matches several things; carries the candidates
├── InvalidInputError        bad data or arguments; carries every problem found
├── ForbiddenError           a caller without the role an operation needs
├── ReadOnlyStoreError       a write against the embedded (read-only) store
├── UnavailableError         the database cannot be reached
└── DeadlineError            a request ran past its time and was stopped between steps
```

Each error carries a message that says what was expected, and where it helps a suggestion.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class AllianceGraphError(Exception):
    """Root of every error the product raises on purpose."""

    code = "INTERNAL"


class NotFoundError(AllianceGraphError):
    code = "NOT_FOUND"

    def __init__(
        self,
        kind: str,
        key: str,
        suggestions: Sequence[str] = (),
        *,
        candidates: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.kind = kind
        self.key = key
        self.suggestions = list(suggestions)
        self.candidates = list(candidates)  # (id, name) of the closest things, nearest first
        hint = f"; did you mean: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"no {kind} {key!r}{hint}")


class AmbiguousError(AllianceGraphError):
    code = "AMBIGUOUS"

    def __init__(self, kind: str, key: str, candidates: Sequence[tuple[str, str]]) -> None:
        self.kind = kind
        self.key = key
        self.candidates = list(candidates)  # (id, name)
        listed = "; ".join(f"{cid} ({name})" for cid, name in self.candidates)
        super().__init__(f"{kind} name {key!r} is ambiguous; name one by id: {listed}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the format allows."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message}"


class InvalidInputError(AllianceGraphError):
    code = "INVALID_INPUT"

    def __init__(
        self, problems: Sequence[Problem], *, consequence: str = "nothing was written"
    ) -> None:
        self.problems = list(problems)
        self.consequence = consequence
        if len(self.problems) == 1 and not consequence:
            super().__init__(str(self.problems[0]))
            return
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  … and {more} more" if more > 0 else ""
        then = f"; {consequence}" if consequence else ""
        super().__init__(f"{len(self.problems)} problem(s) in the input{then}:\n{shown}{tail}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Rebuilt from its problems, not its message (the initial load's second process
        hands its errors back pickled)."""
        return functools.partial(type(self), consequence=self.consequence), (self.problems,)

    @classmethod
    def one(
        cls,
        message: str,
        file: str = "request",
        line: int | None = None,
        column: str | None = None,
        consequence: str = "",
    ) -> InvalidInputError:
        return cls([Problem(file, line, column, message)], consequence=consequence)


class ForbiddenError(AllianceGraphError):
    code = "FORBIDDEN"


class ReadOnlyStoreError(AllianceGraphError):
    code = "FORBIDDEN"

    def __init__(self, operation: str = "write") -> None:
        super().__init__(
            f"the embedded store is read-only: cannot {operation}. Set NEO4J_URI "
            "(with NEO4J_USER and NEO4J_PASSWORD) to write to a Neo4j database."
        )


class UnavailableError(AllianceGraphError):
    code = "UNAVAILABLE"


class DeadlineError(AllianceGraphError):
    """The request's time ran out (or its client went away); no further store call starts."""

    code = "TIMEOUT"

"""A quicker `__init__` for the frozen dataclasses a route builds on every call.

A frozen dataclass's generated `__init__` sets each field through `object.__setattr__`
(its own `__setattr__` refuses), about 0.1 µs a field: a `Route` of ten fields costs
~1.3 µs to make, and a warm embedded route makes a dozen such objects. `quick_init` swaps
it for one that writes the fields straight into the instance's `__dict__`, which is what
`object.__setattr__` does in the end, at a third of the cost. Nothing else changes: the
same signature and defaults, and the class stays frozen (assigning a field still raises),
hashable and comparable as before.

Only plain frozen dataclasses qualify: fields with a default factory, `init=False` or
keyword-only fields, `__post_init__` and `__slots__` are refused at import time rather
than half-supported.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """`cls` (a frozen dataclass) with an `__init__` writing its fields into `__dict__`."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__}: quick_init is for frozen dataclasses")
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: __slots__ or __post_init__ is not supported")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    defaults: dict[str, Any] = {}
    args = []
    for f in fields:
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        if f.default is dataclasses.MISSING:
            args.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    d[{f.name!r}] = {f.name}\n" for f in fields)
    source = f"def __init__(self, {', '.join(args)}):\n    d = self.__dict__\n{body}"
    namespace: dict[str, Any] = {}
    exec(source, defaults, namespace)  # the names are the class's own fields
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls

"""OpenTelemetry tracing, only when configured: off by default, and then not even imported.

With `OTEL_EXPORTER_OTLP_ENDPOINT` set, `traced_app` wraps the app in
`opentelemetry-instrumentation-asgi` (one server span per request) and `traced_store` wraps
the store so that each named query is a child span `store <name>` carrying the query's
name and the store's kind, never its arguments (they can name patients' institutions and
are not the operator's business). The exporter is OTLP over HTTP, configured by the
standard `OTEL_*` variables (endpoint, headers, service name).
"""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware

from graphmodel.settings import Settings
from graphmodel.store import NamedQuery, Store


def tracer_provider(settings: Settings, exporter: Any = None) -> Any:
    """A provider exporting to the configured endpoint (or to `exporter`, for tests); None
    when tracing is off, before anything of OpenTelemetry is imported."""
    if exporter is None and not settings.otel_endpoint:
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "alliancegraph"}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def traced_app(provider: Any) -> Middleware:
    """The ASGI instrumentation as a Starlette middleware: one server span per request."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return Middleware(OpenTelemetryMiddleware, tracer_provider=provider)


class TracedStore:
    """The store, each named query in a span of its own; everything else passes through."""

    def __init__(self, store: Store, provider: Any) -> None:
        self._store = store
        self._tracer = provider.get_tracer("alliancegraph.store")

    def run(self, query: NamedQuery, /, **args: Any) -> Any:
        with self._tracer.start_as_current_span(f"store {query.name}") as span:
            span.set_attribute("alliancegraph.query", query.name)
            span.set_attribute("db.system", "neo4j" if self._store.kind == "neo4j" else "memory")
            return self._store.run(query, **args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

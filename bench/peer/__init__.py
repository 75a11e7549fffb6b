"""The peer benchmark: alliancegraph against the Neo4j GraphQL Library (see __main__)."""

"""Planner and inspector reports on the command line: validate, unaffiliated, coverage, kpis.

Commands here register on the `alliancegraph` group defined in `graphmodel.cli`.
"""

from __future__ import annotations

"""Fixtures shared by the compiler tests."""

from __future__ import annotations

import pytest

from graphflow.backends import sub_plan


@pytest.fixture
def compiled(monkeypatch):
    """The sub-plans compiled during the test, as (label, plan) pairs in compile order."""
    made = []
    original = sub_plan.SubPlan._compile

    def recording(self, values, generic=False):
        plan = original(self, values, generic)
        made.append((self.label, plan))
        return plan

    monkeypatch.setattr(sub_plan.SubPlan, "_compile", recording)
    return made

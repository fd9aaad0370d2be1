"""`hfjobs webhook enable` and `disable` at the HTTP boundary."""

from __future__ import annotations

import json

import pytest

from tests.commands.webhook.helpers import HOOK, HOOKS, make_webhook
from tests.conftest import auth_header


def no_body(request) -> tuple[bool, str]:
    return (not request.body, f"expected no body, got {request.body!r}")


# -- enable / disable ------------------------------------------------------------------------
@pytest.mark.parametrize("verb,disabled", [("enable", False), ("disable", True)])
def test_enable_and_disable(cli, api, logged_in, verb, disabled):
    hook = make_webhook(disabled=disabled)
    for _ in range(3):
        api.post(f"{HOOKS}/{HOOK}/{verb}", json={"webhook": hook}, match=[auth_header(), no_body])
    result = cli("webhook", verb, HOOK)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"✓ Webhook {HOOK} {verb}d\n"
    assert cli("webhook", verb, HOOK, "-q").stdout == f"{HOOK}\n"
    assert json.loads(cli("webhook", verb, HOOK, "--json").stdout)["disabled"] is disabled


def test_enable_accepts_an_unwrapped_answer_and_reports_unknown_ids(cli, api, logged_in):
    api.post(f"{HOOKS}/{HOOK}/enable", json=make_webhook())
    assert cli("webhook", "enable", HOOK).exit_code == 0
    api.post(f"{HOOKS}/{HOOK}/disable", status=404, json={"error": "Webhook not found"})
    result = cli("webhook", "disable", HOOK)
    assert result.exit_code == 5
    assert f"Webhook {HOOK} not found" in result.stderr

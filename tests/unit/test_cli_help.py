"""Help that teaches: every option described with its default, every command with examples."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from trustsvc.commands.cli import COMMANDS, build_parser
from trustsvc.commands.parser import HelpFormatter


def _parsers(
    parser: argparse.ArgumentParser, name: str = "trustsvc"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


PARSERS = dict(_parsers(build_parser()))


def test_every_command_is_in_the_parser() -> None:
    assert {name.split()[1] for name in PARSERS if name != "trustsvc"} == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_option_has_a_description_and_its_default(name: str) -> None:
    parser = PARSERS[name]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS, []):
            line = HelpFormatter("trustsvc")._get_help_string(action)
            assert "default" in line, f"{name} {action.option_strings} hides its default"


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_command_ends_with_examples(name: str) -> None:
    text = PARSERS[name].format_help()
    tail = text.rstrip().splitlines()
    examples = tail[tail.index("examples:") + 1 :]
    assert 1 <= len(examples) <= 3
    assert all("trustsvc " in line for line in examples)
    assert any(name in line for line in examples) or name == "trustsvc"


def test_settings_an_option_replaces_are_named() -> None:
    assess = PARSERS["trustsvc assess"].format_help()
    for setting in (
        "TRUSTSVC_CA_FILE",
        "TRUSTSVC_FAMILY_BUDGET_S",
        "TRUSTSVC_ALLOW_PRIVATE_TARGETS",
    ):
        assert setting in assess
    assert "TRUSTSVC_REGISTRY_URL" in PARSERS["trustsvc sync"].format_help()
    assert "TRUSTSVC_METRICS_PORT" in PARSERS["trustsvc worker"].format_help()

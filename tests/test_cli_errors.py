"""The one mapping from library argument names to flags: messages, and no flag that does not exist."""

from __future__ import annotations

import argparse

import pytest

from ska_theory.cli import FLAGS, build_parser, flag_message, main
from ska_theory.errors import ArgumentError


def test_python_and_command_line_messages_of_one_error():
    e = ArgumentError(
        "layers", (6, 5, 3), "differs from {weights} (layers 6,4,3)", refs={"weights": "/w.npz"}
    )
    assert str(e) == "layers=(6, 5, 3): differs from weights='/w.npz' (layers 6,4,3)"
    assert flag_message(e) == "--layers 6,5,3: differs from --init-weights '/w.npz' (layers 6,4,3)"
    missing = ArgumentError("T", None, "required for kind 'continuous'", shown="")
    assert (str(missing), flag_message(missing)) == (
        "T: required for kind 'continuous'",
        "--T: required for kind 'continuous'",
    )
    assert (
        flag_message(ArgumentError("scale", -1.0, "must be positive"))
        == "--init-scale -1.0: must be positive"
    )
    # an argument no flag sets keeps its Python name
    assert (
        flag_message(ArgumentError("input_scale", 0, "must be positive")) == "input_scale=0: must be positive"
    )


def test_every_mapped_flag_is_an_option_of_a_command():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {s for p in sub.choices.values() for a in p._actions for s in a.option_strings}
    assert set(FLAGS.values()) <= options


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["integrate", "--T", "-1", "--out", "x.npz"],
            "ska-theory: error: --T -1.0: must be a positive finite number\n",
        ),
        (
            ["discrete", "--variant", "paper", "--eta", "0", "--out", "x.npz"],
            "ska-theory: error: --eta 0.0: must be",
        ),
    ],
)
def test_library_errors_exit_2_with_the_flag(tmp_path, monkeypatch, capsys, argv, line):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(line) and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []

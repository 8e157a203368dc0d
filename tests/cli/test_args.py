"""Shared CLI argument types: bad values are refused naming the flag, with exit status 2."""

import argparse

import pytest

from graphssl.cli._args import comma_list, fraction, non_negative_fraction, non_negative_int, positive_float, positive_int


def parse(type_, value):
    parser = argparse.ArgumentParser(prog="graphssl x")
    parser.add_argument("--v", type=type_)
    return parser.parse_args(["--v", value]).v


@pytest.mark.parametrize("type_, good, expected", [(positive_int, "3", 3), (non_negative_int, "0", 0),
                                                    (positive_float, "0.5", 0.5), (fraction, "0.25", 0.25),
                                                    (non_negative_fraction, "0", 0.0), (comma_list, " a, b,", ["a", "b"])])
def test_accepts(type_, good, expected):
    assert parse(type_, good) == expected


@pytest.mark.parametrize("type_, bad", [(positive_int, "-1"), (positive_int, "0"), (positive_int, "x"),
                                        (non_negative_int, "-2"), (positive_float, "0"), (positive_float, "inf"),
                                        (fraction, "1.5"), (fraction, "0"), (non_negative_fraction, "1"),
                                        (non_negative_fraction, "x"), (comma_list, " , ")])
def test_refuses_naming_the_flag(type_, bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse(type_, bad)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("graphssl x: error: argument --v: must be") and repr(bad) in err

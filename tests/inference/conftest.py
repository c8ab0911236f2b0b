"""Shared fixtures for the inference tests.

`model`: a small-resolution WorldModel with the real MiniLM interpreter.
`interpreter`: the MiniLM interpreter, loaded once per session.
"""

from __future__ import annotations

import pytest
import torch

from inference.model import WorldModel

torch.set_num_threads(2)


@pytest.fixture(scope="session")
def interpreter():
    from inference.interpreter import Interpreter

    return Interpreter().warm()


@pytest.fixture(scope="session")
def model(interpreter) -> WorldModel:
    return WorldModel(device="cpu", resolution=(128, 72), interpreter=interpreter)

"""pytest-lsp's client connected to the built `onefront lsp`.

`tests/lsp_e2e.rs` runs this suite with `ONEFRONT_BIN` naming the binary
cargo built, and HOME, XDG_* and TMPDIR in temporary folders, so that
neither the server (its stdlib files) nor pytest writes outside them. By
hand, from the repository:

    ONEFRONT_BIN=$CARGO_TARGET_DIR/debug/onefront PYTHONDONTWRITEBYTECODE=1 \
        .tools/venv/bin/python -m pytest -p no:cacheprovider tests/lsp-e2e

Every message the server sends is read into lsprotocol's types, the LSP
specification as data: one that does not fit fails the test that was
running (pygls reports it, and the client fixture asserts that it did
not). pytest-lsp also checks results against the capabilities the client
announced, with a warning that this suite turns into an error. Each test
runs once for each of two clients whose capabilities pytest-lsp ships:
VS Code, the richest, and Neovim 0.7, the one `nvim_attach.lua` drives for
real.
"""

from __future__ import annotations

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pygls.protocol import default_converter
from pytest_lsp.client import register_lsp_features
from pytest_lsp.protocol import LanguageClientProtocol

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "reference.onefront"
PARAMS = REPO / "reference" / "5.13" / "params.tsv"

# Seconds any one exchange may take before the test fails rather than hangs.
TIMEOUT = 10

CLIENTS = ["visual-studio-code", "neovim@v0.7.0"]


def server_binary() -> str:
    binary = os.environ.get("ONEFRONT_BIN")
    if not binary or not os.access(binary, os.X_OK):
        raise pytest.UsageError(
            "ONEFRONT_BIN must name the built onefront binary"
            " (tests/lsp_e2e.rs sets it)"
        )
    return binary


def pytest_configure(config: pytest.Config) -> None:
    # A result the client's capabilities do not allow fails the test.
    config.addinivalue_line(
        "filterwarnings", "error::pytest_lsp.checks.LspSpecificationWarning"
    )
    server_binary()


class StrictProtocol(LanguageClientProtocol):
    """Reads each message from the server into lsprotocol's types, as
    pytest-lsp does, and then also requires that writing it back gives the
    same JSON: reading alone lets through what lsprotocol drops or
    coerces (a misspelt optional field, an unknown one, `"yes"` where only
    a boolean may stand). Where either a boolean or an options object may
    stand, lsprotocol keeps any value as it is: the tests check those."""

    def structure_message(self, data):
        message = super().structure_message(data)
        if isinstance(data, dict) and "jsonrpc" in data:
            again = self._converter.unstructure(message)
            if again != data:
                raise ValueError(
                    "the server sent a message that lsprotocol's types do not "
                    f"hold exactly:\n  sent: {data}\n  read: {again}"
                )
        return message


def strict_client() -> LanguageClient:
    """pytest-lsp's client (as `make_test_lsp_client` builds it) reading
    with `StrictProtocol`."""
    client = LanguageClient(
        converter_factory=default_converter, protocol_cls=StrictProtocol
    )
    register_lsp_features(client)
    return client


async def within(awaitable):
    """`awaitable`, or a failure after TIMEOUT seconds."""
    return await asyncio.wait_for(awaitable, TIMEOUT)


async def end_session(client: LanguageClient) -> int:
    """`shutdown`, then `exit`; the server's exit status."""
    assert await within(client.shutdown_async(None)) is None
    client.exit(None)
    # pygls keeps the server's process there, as pytest-lsp itself uses it.
    return await within(client._server.wait())


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[server_binary(), "lsp"], client_factory=strict_client
    ),
    params=CLIENTS,
)
async def client(lsp_client: LanguageClient, request, tmp_path: pathlib.Path):
    """A server initialized by a client with the capabilities of
    `request.param`, with `tmp_path` as its workspace. Afterwards the
    session ends as the protocol asks, with exit status 0, unless the test
    ended it; no message from the server may have failed to read."""
    result = await within(
        lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(request.param),
                root_uri=tmp_path.as_uri(),
                workspace_folders=[
                    types.WorkspaceFolder(uri=tmp_path.as_uri(), name="workspace")
                ],
            )
        )
    )
    lsp_client.initialize_result = result
    yield
    assert lsp_client.error is None, f"a message from the server: {lsp_client.error}"
    if lsp_client._server.returncode is None:
        assert await end_session(lsp_client) == 0
    assert lsp_client.error is None, f"a message from the server: {lsp_client.error}"

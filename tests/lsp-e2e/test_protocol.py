"""`onefront lsp` over its standard input and output, as an editor drives it:
a copy of `examples/reference.onefront` opened, edited by incremental
changes, hovered, completed, formatted; then shutdown and exit. Positions
are found by searching the text, never written as numbers.
"""

from __future__ import annotations

import csv
import os
import pathlib
import stat

import pytest
from conftest import EXAMPLE, PARAMS, end_session, within
from lsprotocol import types
from pytest_lsp import LanguageClient


def params() -> dict[str, dict[str, str]]:
    """The rows of the reference's parameter table, by name."""
    with PARAMS.open(encoding="utf-8", newline="") as table:
        return {row["name"]: row for row in csv.DictReader(table, delimiter="\t")}


def position(text: str, needle: str, nth: int = 0, after: int = 0) -> types.Position:
    """Where the `nth` (from 0) `needle` of `text` starts, plus `after`
    characters, in UTF-16 code units as the protocol counts."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    offset += after
    line_start = text.rfind("\n", 0, offset) + 1
    column = len(text[line_start:offset].encode("utf-16-le")) // 2
    return types.Position(line=text.count("\n", 0, offset), character=column)


def span(text: str, needle: str, nth: int = 0) -> types.Range:
    return types.Range(
        start=position(text, needle, nth),
        end=position(text, needle, nth, len(needle)),
    )


class Document:
    """A copy of an example in the workspace, open in the server."""

    def __init__(self, client: LanguageClient, folder: pathlib.Path, text: str):
        self.client = client
        self.path = folder / "reference.onefront"
        self.path.write_text(text, encoding="utf-8")
        self.uri = self.path.as_uri()
        self.text = text
        self.version = 1
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="onefront", version=1, text=text
                )
            )
        )

    @property
    def id(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)

    def replace(self, old: str, new: str, nth: int = 0) -> None:
        """Replaces the `nth` `old` with `new`, sent as an incremental change."""
        where = span(self.text, old, nth)
        offset = -1
        for _ in range(nth + 1):
            offset = self.text.index(old, offset + 1)
        self.text = self.text[:offset] + new + self.text[offset + len(old) :]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=where, text=new)
                ],
            )
        )

    async def settled(self) -> None:
        """Returns once the server has handled everything sent before: it
        answers in order, so what it published for them came first."""
        await within(
            self.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=self.id)
            )
        )

    async def diagnostics(self) -> list[types.Diagnostic]:
        """What the server last published for the document, once settled."""
        await self.settled()
        return list(self.client.diagnostics.get(self.uri, []))


@pytest.mark.asyncio
async def test_initialize_announces_the_features_and_writes_the_stdlib(
    client: LanguageClient,
):
    result: types.InitializeResult = client.initialize_result
    assert result.server_info is not None and result.server_info.name == "onefront"
    capabilities = result.capabilities
    assert capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    sync = capabilities.text_document_sync
    change = sync.change if isinstance(sync, types.TextDocumentSyncOptions) else sync
    assert change == types.TextDocumentSyncKind.Incremental
    # lsprotocol lets any value through where a boolean or options may
    # stand: check the type here.
    for provider, options in [
        (capabilities.hover_provider, types.HoverOptions),
        (capabilities.document_formatting_provider, types.DocumentFormattingOptions),
        (capabilities.definition_provider, types.DefinitionOptions),
    ]:
        assert provider is True or isinstance(provider, options), provider
    assert isinstance(capabilities.completion_provider, types.CompletionOptions)
    # The stdlib, for go to definition: read-only, in the user's cache
    # folder (the test sets XDG_CACHE_HOME to a temporary one).
    cache = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    stdlib = pathlib.Path(cache) / "onefront" / "stdlib"
    written = sorted(stdlib.glob("*.onefront"))
    assert written, f"no stdlib under {stdlib}"
    for path in written:
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


@pytest.mark.asyncio
async def test_a_misspelt_parameter_is_reported_as_typed_and_cleared_when_fixed(
    client: LanguageClient, tmp_path: pathlib.Path
):
    doc = Document(client, tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    assert await doc.diagnostics() == []

    doc.replace("OPENNEBULA_FRONTEND_HOST ", "OPENNEBULA_FRONTEND_HOTS ")
    found = await doc.diagnostics()
    assert len(found) == 1, found
    (diagnostic,) = found
    assert diagnostic.code == "onefront::P1"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range == span(doc.text, "OPENNEBULA_FRONTEND_HOTS")
    assert "OPENNEBULA_FRONTEND_HOTS" in diagnostic.message

    doc.replace("OPENNEBULA_FRONTEND_HOTS ", "OPENNEBULA_FRONTEND_HOST ")
    assert await doc.diagnostics() == []


@pytest.mark.asyncio
async def test_hover_on_a_parameter_gives_its_default_and_value(
    client: LanguageClient, tmp_path: pathlib.Path
):
    doc = Document(client, tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    doc.replace("  }\n", "    TLS_VALID_DAYS = 30\n  }\n")
    assert await doc.diagnostics() == []
    hover = await within(
        client.text_document_hover_async(
            types.HoverParams(
                text_document=doc.id,
                position=position(doc.text, "TLS_VALID_DAYS", after=4),
            )
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert "TLS_VALID_DAYS" in text
    default = params()["TLS_VALID_DAYS"]["default"]
    assert any(
        line.split() == ["default:", default] for line in text.splitlines()
    ), text
    assert "`30`" in text, text
    assert hover.range == span(doc.text, "TLS_VALID_DAYS")


@pytest.mark.asyncio
async def test_completion_in_env_offers_parameters(
    client: LanguageClient, tmp_path: pathlib.Path
):
    doc = Document(client, tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    doc.replace("  env {\n", "  env {\n    \n")
    result = await within(
        client.text_document_completion_async(
            types.CompletionParams(
                text_document=doc.id,
                position=position(doc.text, "  env {\n    \n", after=12),
                context=types.CompletionContext(
                    trigger_kind=types.CompletionTriggerKind.Invoked
                ),
            )
        )
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = [item.label for item in items]
    known = params()
    assert len(labels) > 20, labels
    assert set(labels) <= set(known), set(labels) - set(known)
    assert "TLS_VALID_DAYS" in labels


@pytest.mark.asyncio
async def test_formatting_a_misformatted_document_gives_the_example_back(
    client: LanguageClient, tmp_path: pathlib.Path
):
    formatted = EXAMPLE.read_text(encoding="utf-8")
    # Indentation and alignment gone, blank lines doubled.
    lines = [
        " ".join(line.split()).replace(" = ", "=") for line in formatted.split("\n")
    ]
    messy = "\n".join(lines).replace("\n\n", "\n\n\n")
    assert messy != formatted
    doc = Document(client, tmp_path, messy)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await within(
        client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc.id, options=options)
        )
    )
    assert edits is not None and len(edits) == 1, edits
    (edit,) = edits
    assert edit.new_text == formatted
    # The edit's range is the whole document: applied, the example is back.
    assert edit.range.start == types.Position(line=0, character=0)
    last = messy.split("\n")[-1]
    assert edit.range.end == types.Position(
        line=messy.count("\n"), character=len(last.encode("utf-16-le")) // 2
    )

    # Formatted, it needs nothing more.
    doc.replace(messy, formatted)
    again = await within(
        client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=doc.id, options=options)
        )
    )
    assert not again, again


@pytest.mark.asyncio
async def test_shutdown_then_exit_ends_with_status_0(client: LanguageClient):
    assert await end_session(client) == 0


@pytest.mark.asyncio
async def test_exit_without_shutdown_ends_with_status_1(client: LanguageClient):
    client.exit(None)
    assert await within(client._server.wait()) == 1

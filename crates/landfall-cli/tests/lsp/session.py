"""Drives `landfall lsp` with pygls's language client, as an editor does.

Usage: python3 session.py LANDFALL_BINARY PROJECT_DIR

PROJECT_DIR is a copy of the example shop. Each step asserts; the script
exits non-zero with the failing step's message. Run by the CLI tests
(crates/landfall-cli/tests/cli/lsp.rs).
"""

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

BINARY, PROJECT = sys.argv[1], Path(sys.argv[2]).resolve()
TIMEOUT = 30


def uri(path: Path) -> str:
    return path.as_uri()


class Session:
    def __init__(self):
        self.client = LanguageClient("landfall-test", "1")
        self.diagnostics = {}
        self.published = asyncio.Event()
        self.raw_errors = []

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams):
            self.diagnostics[params.uri] = params.diagnostics
            self.published.set()

        # Answers to a message that had no readable id come with id null:
        # pygls knows no request of that id, so they are caught here.
        protocol = self.client.protocol
        handle = protocol._handle_response

        def handle_response(msg_id, result=None, error=None):
            if msg_id is None and error is not None:
                self.raw_errors.append(error)
                return
            handle(msg_id, result, error)

        protocol._handle_response = handle_response

    async def wait_for(self, path: Path, predicate, what: str):
        """Waits until the diagnostics of `path` satisfy `predicate`."""
        deadline = asyncio.get_running_loop().time() + TIMEOUT
        while True:
            current = self.diagnostics.get(uri(path))
            if current is not None and predicate(current):
                return current
            remaining = deadline - asyncio.get_running_loop().time()
            assert remaining > 0, f"timed out waiting for {what}; last: {current}"
            self.published.clear()
            try:
                await asyncio.wait_for(self.published.wait(), remaining)
            except asyncio.TimeoutError:
                pass


def apply_edits(text: str, edits) -> str:
    """Applies LSP text edits (UTF-16 positions; the example is ASCII)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(position):
        return offsets[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def position_of(text: str, needle: str, nth: int = 0) -> types.Position:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    return types.Position(line=line, character=column)


async def main():
    session = Session()
    client = session.client
    await client.start_io(BINARY, "lsp")
    result = await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=uri(PROJECT),
            workspace_folders=[types.WorkspaceFolder(uri=uri(PROJECT), name="shop")],
        )
    )
    assert result.capabilities.code_action_provider, "no code actions offered"
    client.initialized(types.InitializedParams())

    api = PROJECT / "workloads" / "api.yaml"
    text = api.read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(api), language_id="yaml", version=1, text=text)
        )
    )
    await session.wait_for(api, lambda d: len(d) == 0, "the clean example's empty diagnostics")
    print("ok: the example opens clean")

    # A typo: `image` → `imagee`. The finding is on exactly the key.
    typo = text.replace("      image: ", "      imagee: ", 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(api), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=typo)],
        )
    )
    found = await session.wait_for(
        api, lambda d: any("imagee" in x.message for x in d), "the typo's diagnostic"
    )
    typo_at = position_of(typo, "imagee")
    unknown = [x for x in found if "unknown field `imagee`" in x.message]
    assert len(unknown) == 1, f"expected one unknown-field finding: {found}"
    finding = unknown[0]
    expected = types.Range(
        start=typo_at, end=types.Position(line=typo_at.line, character=typo_at.character + 6)
    )
    assert finding.range == expected, f"range {finding.range} is not {expected}"
    assert finding.code == "schema" and finding.source == "landfall", finding
    print("ok: the typo's diagnostic is on", finding.range)

    # The offered fix renames the key; applied, the finding goes.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(api)),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    titles = [a.title for a in actions]
    fix = next((a for a in actions if a.title == "Rename to `image`"), None)
    assert fix is not None, f"no rename fix among {titles}"
    assert any(t.startswith("Suppress `schema`") for t in titles), titles
    fixed = apply_edits(typo, fix.edit.changes[uri(api)])
    assert fixed == text, "the fix does not restore the file"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(api), version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await session.wait_for(api, lambda d: len(d) == 0, "the diagnostics to clear after the fix")
    print("ok: the code action fixes it")

    # Go to definition from a Scope's `workloads` entry.
    staging = PROJECT / "scopes" / "staging.yaml"
    staging_text = staging.read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri(staging), language_id="yaml", version=1, text=staging_text
            )
        )
    )
    bracket = position_of(staging_text, "workloads: [api")
    entry = types.Position(line=bracket.line, character=bracket.character + len("workloads: ["))
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri(staging)), position=entry)
    )
    assert found and len(found) == 1, f"definition: {found}"
    assert found[0].uri == uri(api), found
    name_at = position_of(text, "name: api")
    assert found[0].range.start.line == name_at.line, found
    print("ok: definition of a scope's workload is", found[0].uri, found[0].range.start)

    # Rename the workload from its Scope entry: every Scope and the Workload.
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri(staging)), position=entry, new_name="orders"
        )
    )
    changed = sorted(Path(u[len("file://"):]).relative_to(PROJECT).as_posix() for u in edit.changes)
    assert changed == [
        "scopes/local.yaml",
        "scopes/production.yaml",
        "scopes/staging.yaml",
        "workloads/api.yaml",
    ], changed
    renamed = apply_edits(staging_text, edit.changes[uri(staging)])
    assert "workloads: [orders, storefront" in renamed, renamed
    print("ok: the rename edits", ", ".join(changed))

    # A malformed message is answered with an error; the server goes on.
    session.client._server.stdin.write(b"Content-Length: 9\r\n\r\n{not json")
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="storefront"))
    assert session.raw_errors, "no error answer to the malformed message"
    assert session.raw_errors[0].code == -32700, session.raw_errors
    names = sorted({s.name for s in symbols})
    assert "storefront" in names, names
    print("ok: a malformed message is answered with", session.raw_errors[0].code, "and the server serves on")

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


asyncio.run(main())

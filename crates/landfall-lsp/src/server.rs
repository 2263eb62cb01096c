//! The server's state and its loop: the project's texts (the files on
//! disk, read once, and the editor's buffers over them), the last check's
//! findings, and the names index.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::{RecvTimeoutError, Sender};
use landfall_check::{CheckInput, CheckOptions, Preloaded, check_with_options};
use landfall_diagnostics::{Applicability, Diagnostic, FileId, SourceDb};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Rename,
    Request as _, WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeParams, Location, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ReferenceParams, RenameParams, ServerCapabilities, SymbolInformation,
    SymbolKind, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use crate::convert::{self, path_of, uri_of};
use crate::index::{Index, Kind, Occurrence};
use crate::text;

/// How long typing must pause before a check runs: one check per burst of
/// keystrokes, not one per keystroke.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Serves the editor on standard input and output until it says `exit`.
pub fn run_stdio() -> Result<(), String> {
    let (sender, receiver, threads) =
        crate::transport::connect(BufReader::new(std::io::stdin()), std::io::stdout());
    let result = serve(&sender, &receiver);
    drop(sender);
    threads.join();
    result
}

fn serve(
    sender: &Sender<Message>,
    receiver: &crossbeam_channel::Receiver<Message>,
) -> Result<(), String> {
    // Until `initialize`, every request is refused, as the protocol says.
    let (id, params) = loop {
        match receiver.recv() {
            Ok(Message::Request(req)) if req.method == "initialize" => break (req.id, req.params),
            Ok(Message::Request(req)) => {
                let _ = sender.send(error(
                    req.id,
                    ErrorCode::ServerNotInitialized,
                    "not initialized",
                ));
            }
            Ok(Message::Notification(n)) if n.method == "exit" => return Ok(()),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let root = root_of(&params);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "landfall", "version": env!("CARGO_PKG_VERSION")},
    });
    let _ = sender.send(Message::Response(Response::new_ok(id, result)));
    let mut server = Server::load(root);
    server.run(sender, receiver);
    Ok(())
}

fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return path_of(&folder.uri);
    }
    #[allow(deprecated, reason = "older clients send only rootUri")]
    params.root_uri.as_ref().and_then(path_of)
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Message {
    Message::Response(Response::new_err(id, code as i32, message.to_string()))
}

struct Server {
    /// Every YAML file of the project by absolute path, with its text: the
    /// editor's buffer for open files, else the file as read at start.
    texts: BTreeMap<PathBuf, String>,
    /// What the files on disk hold, for a buffer closed unsaved.
    on_disk: HashMap<PathBuf, String>,
    open: BTreeSet<PathBuf>,
    index: Index,
    /// The last check's findings per file.
    findings: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// What each open file was last sent.
    published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// A change not checked yet.
    dirty: bool,
    shutdown: bool,
}

impl Server {
    fn load(root: Option<PathBuf>) -> Server {
        let mut texts = BTreeMap::new();
        if let Some(root) = &root {
            for entry in ignore::WalkBuilder::new(root).build().flatten() {
                let path = entry.path();
                let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
                if yaml
                    && entry.file_type().is_some_and(|t| t.is_file())
                    && let Ok(text) = std::fs::read_to_string(path)
                {
                    texts.insert(path.to_path_buf(), text);
                }
            }
        }
        let mut index = Index::default();
        for (path, text) in &texts {
            index.update(path, text);
        }
        Server {
            on_disk: texts.iter().map(|(p, t)| (p.clone(), t.clone())).collect(),
            texts,
            open: BTreeSet::new(),
            index,
            findings: BTreeMap::new(),
            published: BTreeMap::new(),
            dirty: true,
            shutdown: false,
        }
    }

    fn run(&mut self, sender: &Sender<Message>, receiver: &crossbeam_channel::Receiver<Message>) {
        loop {
            let message = if self.dirty {
                match receiver.recv_timeout(DEBOUNCE) {
                    Ok(message) => message,
                    Err(RecvTimeoutError::Timeout) => {
                        self.check_and_publish(sender);
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return,
                }
            };
            match message {
                Message::Request(request) => {
                    // Answers are about the texts as they are now.
                    if self.dirty && request.method != "shutdown" {
                        self.check_and_publish(sender);
                    }
                    let id = request.id.clone();
                    let response = match self.answer(request) {
                        Ok(value) => Message::Response(Response::new_ok(id, value)),
                        Err((code, why)) => error(id, code, &why),
                    };
                    let _ = sender.send(response);
                }
                Message::Notification(n) if n.method == "exit" => return,
                Message::Notification(n) => self.notified(n),
                Message::Response(_) => {}
            }
        }
    }

    fn answer(&mut self, request: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        fn params<P: serde::de::DeserializeOwned>(
            request: Request,
        ) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(request.params)
                .map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
        }
        fn json(value: impl serde::Serialize) -> Result<serde_json::Value, (ErrorCode, String)> {
            serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
        }
        if self.shutdown {
            return Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ));
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(serde_json::Value::Null)
            }
            CodeActionRequest::METHOD => json(self.code_actions(params(request)?)),
            GotoDefinition::METHOD => json(self.definition(params(request)?)),
            References::METHOD => json(self.references(params(request)?)),
            Rename::METHOD => json(self.rename(params(request)?)?),
            HoverRequest::METHOD => json(self.hover(params(request)?)),
            DocumentSymbolRequest::METHOD => json(self.document_symbols(params(request)?)),
            WorkspaceSymbolRequest::METHOD => json(self.workspace_symbols(params(request)?)),
            method => Err((ErrorCode::MethodNotFound, format!("no method `{method}`"))),
        }
    }

    fn notified(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params)
                    && let Some(path) = path_of(&p.text_document.uri)
                {
                    self.open.insert(path.clone());
                    self.set_text(path, p.text_document.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params)
                    && let Some(path) = path_of(&p.text_document.uri)
                    && let Some(change) = p.content_changes.into_iter().last()
                {
                    self.set_text(path, change.text);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params)
                    && let Some(path) = path_of(&p.text_document.uri)
                {
                    self.open.remove(&path);
                    self.published.remove(&path);
                    match self.on_disk.get(&path).cloned() {
                        Some(text) => self.set_text(path, text),
                        None => {
                            self.texts.remove(&path);
                            self.index.remove(&path);
                            self.dirty = true;
                        }
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                    && let Some(path) = path_of(&p.text_document.uri)
                    && let Some(text) = self.texts.get(&path)
                {
                    self.on_disk.insert(path, text.clone());
                }
            }
            _ => {}
        }
    }

    fn set_text(&mut self, path: PathBuf, text: String) {
        if self.texts.get(&path) == Some(&text) && !self.open.contains(&path) {
            return;
        }
        self.index.update(&path, &text);
        self.texts.insert(path, text);
        self.dirty = true;
    }

    /// Checks the project as the editor holds it, and sends each open
    /// file's findings when they changed.
    fn check_and_publish(&mut self, sender: &Sender<Message>) {
        self.dirty = false;
        let (db, paths, diagnostics) = self.check();
        let mut findings: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for d in diagnostics {
            if d.is_suppressed() {
                continue;
            }
            if let Some(path) = paths.get(d.span.file.0 as usize) {
                findings.entry(path.clone()).or_default().push(d);
            }
        }
        let file_of = |id: FileId| -> Option<(&Path, &str)> {
            let path = paths.get(id.0 as usize)?;
            Some((path.as_path(), db.file(id).text()))
        };
        for path in &self.open {
            let text = self.texts.get(path).map_or("", String::as_str);
            let shown: Vec<lsp_types::Diagnostic> = findings
                .get(path)
                .map(|list| {
                    list.iter()
                        .map(|d| convert::diagnostic(d, text, file_of))
                        .collect()
                })
                .unwrap_or_default();
            if self.published.get(path) == Some(&shown) {
                continue;
            }
            let params = PublishDiagnosticsParams::new(uri_of(path), shown.clone(), None);
            let _ = sender.send(Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.to_string(),
                params,
            )));
            self.published.insert(path.clone(), shown);
        }
        self.findings = findings;
    }

    fn check(&self) -> (SourceDb, Vec<PathBuf>, Vec<Diagnostic>) {
        let mut db = SourceDb::new();
        let mut paths = Vec::with_capacity(self.texts.len());
        let mut inputs = Vec::with_capacity(self.texts.len());
        for (path, text) in &self.texts {
            let file = db.add(path.display().to_string(), text.clone());
            paths.push(path.clone());
            inputs.push(CheckInput {
                file,
                explicit: self.open.contains(path),
            });
        }
        let outcome = check_with_options(&mut db, &inputs, &Preloaded, CheckOptions::default());
        (db, paths, outcome.diagnostics)
    }

    fn text(&self, uri: &Uri) -> Result<(PathBuf, &str), (ErrorCode, String)> {
        let path = path_of(uri).ok_or((ErrorCode::InvalidParams, "not a file URI".to_string()))?;
        let text = self.texts.get(&path).ok_or((
            ErrorCode::InvalidParams,
            format!("`{}` is not a YAML file of the project", path.display()),
        ))?;
        Ok((path, text.as_str()))
    }

    fn code_actions(&self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Ok((path, text)) = self.text(&p.text_document.uri) else {
            return Vec::new();
        };
        let (start, end) = (
            text::offset(text, p.range.start),
            text::offset(text, p.range.end),
        );
        let uri = p.text_document.uri;
        let mut actions = Vec::new();
        for d in self.findings.get(&path).into_iter().flatten() {
            let (s, e) = (d.span.start as usize, d.span.end as usize);
            if e < start || s > end {
                continue;
            }
            let shown = convert::diagnostic(d, text, |_| None);
            for fix in &d.fixes {
                // Edits in other files are left out: the buffer is what the
                // fix was computed on.
                if fix.edits.iter().any(|e| e.span.file != d.span.file) {
                    continue;
                }
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| {
                        TextEdit::new(
                            text::range(text, e.span.start as usize, e.span.end as usize),
                            e.replacement.clone(),
                        )
                    })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: capitalised(&fix.message),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown.clone()]),
                    edit: Some(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..CodeAction::default()
                }));
            }
            if d.rule != "unused-suppression" {
                actions.push(CodeActionOrCommand::CodeAction(suppress(
                    d, text, &uri, shown,
                )));
            }
        }
        actions
    }

    /// The occurrence under the cursor.
    fn at(&self, uri: &Uri, position: lsp_types::Position) -> Option<(PathBuf, &Occurrence)> {
        let (path, text) = self.text(uri).ok()?;
        let offset = text::offset(text, position);
        let found = self.index.at(&path, offset)?;
        Some((path, found))
    }

    fn location(&self, path: &Path, start: usize, end: usize) -> Location {
        let text = self.texts.get(path).map_or("", String::as_str);
        Location::new(uri_of(path), text::range(text, start, end))
    }

    fn definition(&self, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let at = p.text_document_position_params;
        let (_, found) = self.at(&at.text_document.uri, at.position)?;
        let locations: Vec<Location> = self
            .index
            .all(&found.key)
            .into_iter()
            .filter(|(_, o)| o.definition)
            .map(|(path, o)| self.location(path, o.start, o.end))
            .collect();
        (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
    }

    fn references(&self, p: ReferenceParams) -> Vec<Location> {
        let at = p.text_document_position;
        let Some((_, found)) = self.at(&at.text_document.uri, at.position) else {
            return Vec::new();
        };
        self.index
            .all(&found.key)
            .into_iter()
            .filter(|(_, o)| p.context.include_declaration || !o.definition)
            .map(|(path, o)| self.location(path, o.start, o.end))
            .collect()
    }

    fn rename(&self, p: RenameParams) -> Result<Option<WorkspaceEdit>, (ErrorCode, String)> {
        let at = p.text_document_position;
        let Some((_, found)) = self.at(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let new = p.new_name;
        let valid = match found.key.kind {
            Kind::Variable => {
                !new.is_empty() && new.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }
            _ => {
                !new.is_empty()
                    && new
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            }
        };
        if !valid {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{new}` is not a valid {} name", found.key.kind.as_str()),
            ));
        }
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for (path, o) in self.index.all(&found.key) {
            let text = self.texts.get(path).map_or("", String::as_str);
            let replacement = if found.key.kind == Kind::Variable && !o.definition {
                format!("${{{new}}}")
            } else {
                new.clone()
            };
            changes.entry(uri_of(path)).or_default().push(TextEdit::new(
                text::range(text, o.start, o.end),
                replacement,
            ));
        }
        Ok(Some(WorkspaceEdit::new(changes)))
    }

    fn hover(&self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params;
        let (path, text) = self.text(&at.text_document.uri).ok()?;
        let offset = text::offset(text, at.position);
        let mut parts = Vec::new();
        if let Some((_, found)) = self.at(&at.text_document.uri, at.position) {
            let defined: Vec<String> = self
                .index
                .all(&found.key)
                .into_iter()
                .filter(|(_, o)| o.definition)
                .map(|(path, o)| {
                    let line =
                        text::position(self.texts.get(path).map_or("", String::as_str), o.start)
                            .line
                            + 1;
                    format!("`{}:{line}`", path.display())
                })
                .collect();
            let what = match &found.key.app {
                Some(app) => format!(
                    "{} `{}` of application `{app}`",
                    found.key.kind.as_str(),
                    found.key.name
                ),
                None => format!("{} `{}`", found.key.kind.as_str(), found.key.name),
            };
            parts.push(match defined.as_slice() {
                [] => format!("{what}: not defined in the project"),
                _ => format!("{what}, defined at {}", defined.join(", ")),
            });
        }
        for d in self.findings.get(&path).into_iter().flatten() {
            if (d.span.start as usize) <= offset
                && offset <= d.span.end as usize
                && let Some(rule) = landfall_check::rule(&d.rule)
            {
                parts.push(format!(
                    "**{}** ({})\n\n{}",
                    rule.id, rule.summary, rule.docs
                ));
            }
        }
        (!parts.is_empty()).then(|| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }

    fn document_symbols(&self, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
        let (path, text) = self.text(&p.text_document.uri).ok()?;
        #[allow(deprecated, reason = "the field is deprecated but required")]
        let symbols = self
            .index
            .of_file(&path)
            .iter()
            .filter_map(|o| {
                let (start, end) = o.document?;
                Some(DocumentSymbol {
                    name: o.key.name.clone(),
                    detail: Some(o.key.kind.as_str().to_string()),
                    kind: symbol_kind(o.key.kind),
                    tags: None,
                    deprecated: None,
                    range: text::range(text, start.min(o.start), end.max(o.end)),
                    selection_range: text::range(text, o.start, o.end),
                    children: None,
                })
            })
            .collect();
        Some(DocumentSymbolResponse::Nested(symbols))
    }

    fn workspace_symbols(&self, p: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
        let query = p.query.to_lowercase();
        #[allow(deprecated, reason = "the field is deprecated but required")]
        let symbols = self
            .index
            .definitions()
            .filter(|(_, o)| o.key.name.to_lowercase().contains(&query))
            .map(|(path, o)| SymbolInformation {
                name: o.key.name.clone(),
                kind: symbol_kind(o.key.kind),
                tags: None,
                deprecated: None,
                location: self.location(path, o.start, o.end),
                container_name: o.key.app.clone(),
            })
            .collect();
        Some(WorkspaceSymbolResponse::Flat(symbols))
    }
}

fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Application => SymbolKind::MODULE,
        Kind::Workload => SymbolKind::CLASS,
        Kind::ScopeType => SymbolKind::INTERFACE,
        Kind::Scope => SymbolKind::NAMESPACE,
        Kind::Platform => SymbolKind::PACKAGE,
        Kind::Variable => SymbolKind::VARIABLE,
    }
}

/// "Suppress with a reason": a `# landfall-ignore` line above the finding's
/// line, at its indentation, the reason left for the user to write (until
/// then `unused-suppression` says it is missing and the finding stays).
fn suppress(d: &Diagnostic, text: &str, uri: &Uri, shown: lsp_types::Diagnostic) -> CodeAction {
    let start = d.span.start as usize;
    let line_start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '-')
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    let line = format!("{indent}# landfall-ignore: {} -- \n", d.rule);
    let at = text::position(text, line_start);
    CodeAction {
        title: format!("Suppress `{}` here, with a reason", d.rule),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown]),
        edit: Some(WorkspaceEdit::new(HashMap::from([(
            uri.clone(),
            vec![TextEdit::new(lsp_types::Range::new(at, at), line)],
        )]))),
        is_preferred: Some(false),
        ..CodeAction::default()
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

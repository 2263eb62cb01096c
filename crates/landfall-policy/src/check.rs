//! The type checker: every rule against the spec language's types
//! ([`Types`], read from the schemas) before anything runs. What passes is
//! compiled ([`CompiledRule`]): names resolved to slots and fields,
//! quantity literals to values of one kind, regexes compiled; and each
//! document kind's [`Keep`] records what the rules read of it.
//!
//! Optional fields: a field without a default that a document may leave
//! out must be guarded by `exists(…)` before it is read. Guards flow like
//! facts: `exists(p)` is true on the right of `and`, `not exists(p)` false
//! on the right of `or`, a `where` holds for the clauses after it, and a
//! `deny` condition (or a failed `require`) holds for `at` and `message`.

use landfall_diagnostics::{Diagnostic, Severity, Span, did_you_mean};
use landfall_model::quantity::{Quantity, parse_duration, parse_quantity};
use landfall_schema::Kind;

use crate::ast::*;
use crate::rules::POLICY_TYPE;
use crate::types::{Field, QuantityKind, Ty, Types, or_words};
use crate::view::{Keep, Tree, key_hash};

/// The single-document roots and the collections.
const ROOTS: [(&str, Kind); 5] = [
    ("application", Kind::Application),
    ("workload", Kind::Workload),
    ("scope", Kind::Scope),
    ("scopeType", Kind::ScopeType),
    ("platform", Kind::Platform),
];
const COLLECTIONS: [(&str, Kind); 4] = [
    ("applications", Kind::Application),
    ("workloads", Kind::Workload),
    ("scopes", Kind::Scope),
    ("scopeTypes", Kind::ScopeType),
];

/// Fields of documents that follow resolved references.
fn reference_field(kind: Kind, name: &str) -> Option<(Reference, Ty)> {
    match (kind, name) {
        (Kind::Workload | Kind::Scope, "application") => {
            Some((Reference::Application, Ty::Doc(Kind::Application)))
        }
        (Kind::Scope, "workloads") => Some((
            Reference::Workloads,
            Ty::List(Box::new(Ty::Doc(Kind::Workload))),
        )),
        (Kind::Scope, "scopeType") => Some((Reference::ScopeType, Ty::Doc(Kind::ScopeType))),
        _ => None,
    }
}

fn reference_names(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Workload => &["application"],
        Kind::Scope => &["application", "scopeType", "workloads"],
        _ => &[],
    }
}

/// A resolved reference of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// `workload.application`, `scope.application`.
    Application,
    /// `scope.workloads`: the Workloads named in `spec.workloads`.
    Workloads,
    /// `scope.scopeType`.
    ScopeType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    StartsWith,
    EndsWith,
    Contains,
    Matches,
    Size,
}

const METHODS: [(&str, Method); 5] = [
    ("contains", Method::Contains),
    ("endsWith", Method::EndsWith),
    ("matches", Method::Matches),
    ("size", Method::Size),
    ("startsWith", Method::StartsWith),
];

/// A value known when the rule is compiled.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Null,
    Bool(bool),
    Int(i64),
    Number(f64),
    Str(String),
    /// In base units, exactly: cores, bytes or milliseconds; with the text
    /// as written.
    Quantity(QuantityKind, Quantity, String),
}

/// What reading a field gives when the document leaves it out.
#[derive(Clone, Debug)]
pub enum Absent {
    /// The schema's default.
    Default(Tree),
    /// An empty list or mapping, or `{}` for an object (defaults inside still apply).
    Empty,
    /// A key of a free mapping, or a value the schema leaves open.
    Null,
    /// Guarded by `exists`; read as null if a guard was bypassed.
    Missing,
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub enum CExpr {
    Const(Const),
    List(Vec<CExpr>),
    /// A variable (slot 0 is the rule's document root, when it has one).
    Var(usize),
    Collection(Kind),
    /// A field: of a document (`spec` fields, or `metadata`), an object or a mapping.
    Field {
        base: Box<CExpr>,
        name: String,
        /// `name`'s [`key_hash`](crate::view::key_hash), computed once.
        hash: u64,
        /// The base is a document and the field is in its `spec`.
        in_spec: bool,
        ty: Ty,
        absent: Absent,
    },
    /// `map[key]` with a key computed at run time.
    Key {
        base: Box<CExpr>,
        key: Box<CExpr>,
        ty: Ty,
    },
    Reference(Box<CExpr>, Reference),
    Method(Box<CExpr>, Method, Vec<CExpr>),
    Matches(Box<CExpr>, Box<regex::Regex>),
    Exists(Box<CExpr>),
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Binary(BinaryOp, Box<CExpr>, Box<CExpr>),
}

/// A `for` clause, compiled.
#[derive(Clone, Debug)]
pub struct CompiledFor {
    pub slot: usize,
    pub collection: CExpr,
    pub filter: Option<CExpr>,
}

#[derive(Clone, Debug)]
pub enum MessagePart {
    Text(String),
    Hole(CExpr),
}

/// A rule that type-checked, ready to run.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    /// As written, without the `policy/` prefix.
    pub id: String,
    pub id_span: Span,
    pub severity: Severity,
    pub summary: Option<String>,
    /// The document kind of the rule's root (`workload` …), if it names one:
    /// the rule then runs once per document of that kind.
    pub root: Option<Kind>,
    pub clauses: Vec<CompiledFor>,
    pub deny: bool,
    pub condition: CExpr,
    pub condition_text: String,
    pub at: Option<CExpr>,
    pub message: Option<Vec<MessagePart>>,
    /// Variables: the root (if any) and one per `for`.
    pub slots: usize,
    /// The rule's source text, for `landfall explain`.
    pub source: String,
}

/// A path of a document as the checker knows it: where in the document
/// tree it is (for [`Keep`]), its canonical text (for `exists` guards), and
/// the guard it needs (the shortest optional prefix), if any.
#[derive(Clone, Debug)]
struct PathInfo {
    origin: Option<(Kind, Vec<String>)>,
    text: Option<String>,
    needs: Option<String>,
}

impl PathInfo {
    fn none() -> PathInfo {
        PathInfo {
            origin: None,
            text: None,
            needs: None,
        }
    }
}

struct Typed {
    expr: CExpr,
    ty: Ty,
    path: PathInfo,
    span: Span,
    /// A quantity literal's text, until a comparison decides its kind.
    literal: Option<String>,
}

struct Var {
    name: String,
    slot: usize,
    ty: Ty,
    path: PathInfo,
}

/// Checks the rules of one file; diagnostics go to `out`, what rules read
/// to `keeps` (one per kind, in `Kind::ALL` order).
pub struct Checker<'a> {
    pub types: &'static Types,
    pub text: &'a str,
    pub out: &'a mut Vec<Diagnostic>,
    pub keeps: &'a mut [Keep; 5],
}

struct RuleState {
    vars: Vec<Var>,
    root: Option<(Kind, Span)>,
    failed: bool,
}

impl Checker<'_> {
    fn error(
        &mut self,
        state: &mut RuleState,
        span: Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        state.failed = true;
        let mut d = Diagnostic::new(&POLICY_TYPE, span, message).with_span_label(label);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.out.push(d);
    }

    fn keep(&mut self, kind: Kind) -> &mut Keep {
        let i = Kind::ALL.iter().position(|k| *k == kind).expect("a kind");
        &mut self.keeps[i]
    }

    /// Documents of `kind` are read: their views keep at least the name
    /// (findings point at it, messages show it).
    fn uses(&mut self, kind: Kind) {
        self.keep(kind).field("metadata").field("name").whole = true;
    }

    /// Marks a path as read whole.
    fn read_whole(&mut self, path: &PathInfo) {
        if let Some((kind, steps)) = &path.origin {
            let steps = steps.clone();
            self.keep(*kind).at(&steps).whole = true;
        }
    }

    /// Marks a path as read for its keys or length only.
    fn read_shape(&mut self, path: &PathInfo) {
        if let Some((kind, steps)) = &path.origin {
            let steps = steps.clone();
            self.keep(*kind).at(&steps).shape = true;
        }
    }

    /// Marks a path as traversed (its node kept, with what is read below).
    fn traverse(&mut self, path: &PathInfo) {
        if let Some((kind, steps)) = &path.origin {
            let steps = steps.clone();
            self.keep(*kind).at(&steps);
        }
    }

    pub fn rule(&mut self, rule: &RuleDecl) -> Option<CompiledRule> {
        let mut state = RuleState {
            vars: Vec::new(),
            root: None,
            failed: false,
        };
        // Slot 0 is reserved for the root; it is bound when first named.
        let mut slots = 1;
        let mut facts: Vec<String> = Vec::new();
        let mut clauses = Vec::new();
        for clause in &rule.clauses {
            let collection = self.expr(&mut state, &clause.collection, &facts);
            let element = match &collection.ty {
                Ty::List(item) => Some((**item).clone()),
                Ty::Any => Some(Ty::Any),
                other => {
                    let described = other.describe(self.types);
                    self.error(
                        &mut state,
                        clause.collection.span,
                        format!("`for` needs a list, and this is {described}"),
                        "not a list",
                        None,
                    );
                    None
                }
            };
            self.use_value(&mut state, &collection, &facts, false);
            self.traverse(&collection.path);
            let mut path = PathInfo::none();
            if let Some((kind, steps)) = &collection.path.origin {
                let mut steps = steps.clone();
                steps.push("*".into());
                path.origin = Some((*kind, steps));
            }
            if let Some(Ty::Doc(kind)) = element {
                path.origin = Some((kind, Vec::new()));
            }
            path.text = Some(clause.var.clone());
            let slot = slots;
            slots += 1;
            if state.vars.iter().any(|v| v.name == clause.var) {
                self.error(
                    &mut state,
                    clause.var_span,
                    format!("`{}` is already bound by an earlier `for`", clause.var),
                    "bound twice",
                    Some("choose another name".into()),
                );
            }
            state.vars.push(Var {
                name: clause.var.clone(),
                slot,
                ty: element.unwrap_or(Ty::Any),
                path,
            });
            let filter = clause.filter.as_ref().map(|f| {
                let typed = self.condition(&mut state, f, &facts, "`where`");
                facts.extend(true_facts(f));
                typed.expr
            });
            clauses.push(CompiledFor {
                slot,
                collection: collection.expr,
                filter,
            });
        }
        let condition = self.condition(
            &mut state,
            &rule.check.condition,
            &facts,
            if rule.check.deny {
                "`deny`"
            } else {
                "`require`"
            },
        );
        // What holds when the rule reports.
        let mut reporting = facts.clone();
        if rule.check.deny {
            reporting.extend(true_facts(&rule.check.condition));
        } else {
            reporting.extend(false_facts(&rule.check.condition));
        }
        let at = rule.at.as_ref().map(|at| {
            if !is_path(at) {
                self.error(
                    &mut state,
                    at.span,
                    "`at` takes a path to a field or a variable, such as `workload.scaling.minScale`".into(),
                    "not a path",
                    None,
                );
            }
            let typed = self.expr(&mut state, at, &reporting);
            self.use_value(&mut state, &typed, &reporting, true);
            typed.expr
        });
        let message = rule.message.as_ref().map(|template| {
            template
                .parts
                .iter()
                .map(|part| match part {
                    TemplatePart::Text(text) => MessagePart::Text(text.clone()),
                    TemplatePart::Hole(hole) => {
                        let typed = self.expr(&mut state, hole, &reporting);
                        let typed = self.settle_literal(&mut state, typed);
                        if matches!(typed.ty, Ty::Object(_) | Ty::Map(_)) {
                            self.error(
                                &mut state,
                                hole.span,
                                format!(
                                    "a message cannot show {}: name one of its fields",
                                    typed.ty.describe(self.types)
                                ),
                                "not a value",
                                None,
                            );
                        }
                        self.use_value(&mut state, &typed, &reporting, true);
                        MessagePart::Hole(typed.expr)
                    }
                })
                .collect()
        });
        if !state.failed
            && state.root.is_none()
            && !matches!(
                clauses.first(),
                Some(CompiledFor {
                    collection: CExpr::Collection(_),
                    ..
                })
            )
        {
            self.error(
                &mut state,
                rule.id_span,
                "this rule reads no document".into(),
                "reads no document",
                Some("name a root (`workload`, `scope`, `application`, `scopeType`, `platform`) or start with `for x in` a collection (`workloads`, `scopes`, …)".into()),
            );
        }
        if state.failed {
            return None;
        }
        let source = self
            .text
            .get(rule.span.start as usize..rule.span.end as usize)
            .unwrap_or_default()
            .to_string();
        Some(CompiledRule {
            id: rule.id.clone(),
            id_span: rule.id_span,
            severity: rule.severity,
            summary: rule.summary.clone(),
            root: state.root.map(|(k, _)| k),
            clauses,
            deny: rule.check.deny,
            condition: condition.expr,
            condition_text: rule.check.text.clone(),
            at,
            message,
            slots,
            source,
        })
    }

    /// A condition: must be a boolean.
    fn condition(
        &mut self,
        state: &mut RuleState,
        expr: &Expr,
        facts: &[String],
        what: &str,
    ) -> Typed {
        let typed = self.expr(state, expr, facts);
        let typed = self.settle_literal(state, typed);
        self.use_value(state, &typed, facts, false);
        if !matches!(typed.ty, Ty::Bool | Ty::Any) {
            let described = typed.ty.describe(self.types);
            self.error(
                state,
                expr.span,
                format!("{what} needs a condition (true or false), and this is {described}"),
                "not a condition",
                None,
            );
        }
        typed
    }

    /// A value is read (not only navigated): an optional field must be
    /// guarded, and its node is kept whole.
    fn use_value(&mut self, state: &mut RuleState, typed: &Typed, facts: &[String], whole: bool) {
        if let Some(needs) = &typed.path.needs {
            let guarded = facts.iter().any(|f| {
                f == needs
                    || f.starts_with(&format!("{needs}."))
                    || f.starts_with(&format!("{needs}["))
            });
            if !guarded {
                let text = typed.path.text.clone().unwrap_or_default();
                let message = if &text == needs {
                    format!("`{text}` is optional and has no default: it may be missing")
                } else {
                    format!("`{text}` is missing when `{needs}` is, which is optional")
                };
                self.error(
                    state,
                    typed.span,
                    message,
                    "may be missing",
                    Some(format!(
                        "guard it: `exists({needs}) and …` (or `not exists({needs}) or …`)"
                    )),
                );
            }
        }
        if whole {
            self.read_whole(&typed.path);
        }
    }

    /// A quantity literal whose kind nothing decided: the first kind it can be.
    fn settle_literal(&mut self, state: &mut RuleState, typed: Typed) -> Typed {
        if let (Ty::QuantityLiteral(kinds), Some(text)) = (&typed.ty, &typed.literal) {
            if kinds.len() > 1 {
                let words: Vec<String> = kinds.iter().map(|k| k.word().to_string()).collect();
                self.error(
                    state,
                    typed.span,
                    format!(
                        "`{text}` may be {}: compare it with a field to say which",
                        or_words(&words)
                    ),
                    "ambiguous unit",
                    None,
                );
                return typed;
            }
            let kind = kinds[0];
            let text = text.clone();
            return self.literal_as(state, typed, kind, &text);
        }
        typed
    }

    fn literal_as(
        &mut self,
        state: &mut RuleState,
        typed: Typed,
        kind: QuantityKind,
        text: &str,
    ) -> Typed {
        match quantity_value(text, kind) {
            Some(value) => Typed {
                expr: CExpr::Const(Const::Quantity(kind, value, text.to_string())),
                ty: Ty::Quantity(kind),
                literal: None,
                ..typed
            },
            None => {
                self.error(
                    state,
                    typed.span,
                    format!("`{text}` is not {}", kind.word()),
                    "not a quantity",
                    None,
                );
                typed
            }
        }
    }

    fn expr(&mut self, state: &mut RuleState, expr: &Expr, facts: &[String]) -> Typed {
        let span = expr.span;
        let plain = |expr: CExpr, ty: Ty| Typed {
            expr,
            ty,
            path: PathInfo::none(),
            span,
            literal: None,
        };
        match &expr.kind {
            ExprKind::Int(i) => plain(CExpr::Const(Const::Int(*i)), Ty::Int),
            ExprKind::Float(f) => plain(CExpr::Const(Const::Number(*f)), Ty::Number),
            ExprKind::Str(s) => plain(CExpr::Const(Const::Str(s.clone())), Ty::Str(None)),
            ExprKind::Bool(b) => plain(CExpr::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Null => plain(CExpr::Const(Const::Null), Ty::Null),
            ExprKind::Quantity(text) => {
                let kinds = literal_kinds(text);
                if kinds.is_empty() {
                    self.error(
                        state,
                        span,
                        format!("`{text}` is not a quantity or a duration"),
                        "not a quantity",
                        Some("CPU as `500m` or `2`, memory as `512Mi` or `1G`, durations as `30s`, `5m` or `1h30m`".into()),
                    );
                    return plain(CExpr::Const(Const::Null), Ty::Any);
                }
                Typed {
                    literal: Some(text.clone()),
                    ..plain(CExpr::Const(Const::Null), Ty::QuantityLiteral(kinds))
                }
            }
            ExprKind::List(items) => {
                let mut compiled = Vec::new();
                let mut item_ty: Option<Ty> = None;
                for item in items {
                    let typed = self.expr(state, item, facts);
                    let typed = self.settle_literal(state, typed);
                    self.use_value(state, &typed, facts, true);
                    match &item_ty {
                        None => item_ty = Some(typed.ty.clone()),
                        Some(t) if compatible(t, &typed.ty) => {}
                        Some(t) => {
                            let (a, b) = (t.describe(self.types), typed.ty.describe(self.types));
                            self.error(
                                state,
                                item.span,
                                format!(
                                    "a list holds values of one type: this is {b}, the first is {a}"
                                ),
                                "different type",
                                None,
                            );
                        }
                    }
                    compiled.push(typed.expr);
                }
                plain(
                    CExpr::List(compiled),
                    Ty::List(Box::new(item_ty.unwrap_or(Ty::Any))),
                )
            }
            ExprKind::Name(name) => self.name(state, name, span),
            ExprKind::Field(base, name, name_span) => {
                let base = self.expr(state, base, facts);
                self.field(state, base, name, *name_span, span, facts)
            }
            ExprKind::Index(base, key) => {
                let base = self.expr(state, base, facts);
                self.index(state, base, key, span, facts)
            }
            ExprKind::Method(receiver, name, name_span, arguments) => {
                let receiver = self.expr(state, receiver, facts);
                self.method(state, receiver, name, *name_span, arguments, span, facts)
            }
            ExprKind::Exists(inner) => {
                if !is_field_path(inner) {
                    self.error(
                        state,
                        inner.span,
                        "`exists` takes a path to a field, such as `exists(workload.timeout)`"
                            .into(),
                        "not a field",
                        None,
                    );
                }
                let typed = self.expr(state, inner, facts);
                self.read_whole(&typed.path);
                plain(CExpr::Exists(Box::new(typed.expr)), Ty::Bool)
            }
            ExprKind::Not(inner) => {
                let typed = self.condition(state, inner, facts, "`not`");
                plain(CExpr::Not(Box::new(typed.expr)), Ty::Bool)
            }
            ExprKind::Neg(inner) => {
                let typed = self.expr(state, inner, facts);
                let typed = self.settle_literal(state, typed);
                self.use_value(state, &typed, facts, true);
                match typed.ty {
                    Ty::Int | Ty::Number | Ty::Quantity(_) | Ty::Any => {
                        let ty = typed.ty.clone();
                        plain(CExpr::Neg(Box::new(typed.expr)), ty)
                    }
                    ref other => {
                        let described = other.describe(self.types);
                        self.error(
                            state,
                            span,
                            format!("`-` needs a number, and this is {described}"),
                            "not a number",
                            None,
                        );
                        plain(CExpr::Const(Const::Null), Ty::Any)
                    }
                }
            }
            ExprKind::Binary(BinaryOp::And, left, right) => {
                let l = self.condition(state, left, facts, "`and`");
                let mut inner = facts.to_vec();
                inner.extend(true_facts(left));
                let r = self.condition(state, right, &inner, "`and`");
                plain(CExpr::And(Box::new(l.expr), Box::new(r.expr)), Ty::Bool)
            }
            ExprKind::Binary(BinaryOp::Or, left, right) => {
                let l = self.condition(state, left, facts, "`or`");
                let mut inner = facts.to_vec();
                inner.extend(false_facts(left));
                let r = self.condition(state, right, &inner, "`or`");
                plain(CExpr::Or(Box::new(l.expr), Box::new(r.expr)), Ty::Bool)
            }
            ExprKind::Binary(op, left, right) => {
                let l = self.expr(state, left, facts);
                let r = self.expr(state, right, facts);
                self.binary(state, *op, l, r, span, facts)
            }
        }
    }

    fn name(&mut self, state: &mut RuleState, name: &str, span: Span) -> Typed {
        if let Some(var) = state.vars.iter().rev().find(|v| v.name == name) {
            return Typed {
                expr: CExpr::Var(var.slot),
                ty: var.ty.clone(),
                path: var.path.clone(),
                span,
                literal: None,
            };
        }
        if let Some((_, kind)) = ROOTS.iter().find(|(n, _)| *n == name) {
            self.uses(*kind);
            match state.root {
                Some((other, other_span)) if other != *kind => {
                    let first = ROOTS.iter().find(|(_, k)| *k == other).map_or("", |r| r.0);
                    state.failed = true;
                    self.out.push(
                        Diagnostic::new(
                            &POLICY_TYPE,
                            span,
                            format!("a rule runs once per document of one kind: it already reads `{first}`"),
                        )
                        .with_span_label("a second root")
                        .with_label(other_span, "the rule's root")
                        .with_help(format!(
                            "iterate the other kind instead: `for x in {}s …`",
                            name
                        )),
                    );
                }
                Some(_) => {}
                None => state.root = Some((*kind, span)),
            }
            return Typed {
                expr: CExpr::Var(0),
                ty: Ty::Doc(*kind),
                path: PathInfo {
                    origin: Some((*kind, Vec::new())),
                    text: Some(name.to_string()),
                    needs: None,
                },
                span,
                literal: None,
            };
        }
        if let Some((_, kind)) = COLLECTIONS.iter().find(|(n, _)| *n == name) {
            self.uses(*kind);
            return Typed {
                expr: CExpr::Collection(*kind),
                ty: Ty::List(Box::new(Ty::Doc(*kind))),
                path: PathInfo::none(),
                span,
                literal: None,
            };
        }
        let mut candidates: Vec<&str> = state.vars.iter().map(|v| v.name.as_str()).collect();
        candidates.extend(ROOTS.iter().map(|r| r.0));
        candidates.extend(COLLECTIONS.iter().map(|r| r.0));
        let help = did_you_mean(name, candidates.iter().copied())
            .map(|c| format!("did you mean `{c}`?"))
            .unwrap_or_else(|| {
                "the roots are `application`, `workload`, `scope`, `scopeType`, `platform` and the collections `applications`, `workloads`, `scopes`, `scopeTypes`".into()
            });
        self.error(
            state,
            span,
            format!("unknown name `{name}`"),
            "not a root or a variable",
            Some(help),
        );
        Typed {
            expr: CExpr::Const(Const::Null),
            ty: Ty::Any,
            path: PathInfo::none(),
            span,
            literal: None,
        }
    }

    fn field(
        &mut self,
        state: &mut RuleState,
        base: Typed,
        name: &str,
        name_span: Span,
        span: Span,
        facts: &[String],
    ) -> Typed {
        let text = base.path.text.as_ref().map(|t| format!("{t}.{name}"));
        match base.ty.clone() {
            Ty::Doc(kind) => {
                if let Some((reference, ty)) = reference_field(kind, name) {
                    self.uses(match reference {
                        Reference::Application => Kind::Application,
                        Reference::Workloads => Kind::Workload,
                        Reference::ScopeType => Kind::ScopeType,
                    });
                    // A referenced document is read like a root.
                    let origin = match &ty {
                        Ty::Doc(kind) => Some((*kind, Vec::new())),
                        _ => None,
                    };
                    return Typed {
                        expr: CExpr::Reference(Box::new(base.expr), reference),
                        ty,
                        path: PathInfo {
                            origin,
                            text,
                            needs: None,
                        },
                        span,
                        literal: None,
                    };
                }
                let (object, in_spec) = if name == "metadata" {
                    (self.types.metadata(kind), false)
                } else {
                    (self.types.spec(kind), true)
                };
                let field = if name == "metadata" {
                    Some(Field {
                        ty: Ty::Object(object),
                        required: true,
                        default: None,
                    })
                } else {
                    self.types.objects[object].fields.get(name).cloned()
                };
                let Some(field) = field else {
                    let mut candidates: Vec<&str> = self.types.objects[object]
                        .fields
                        .keys()
                        .map(String::as_str)
                        .collect();
                    candidates.push("metadata");
                    candidates.extend(reference_names(kind));
                    candidates.sort();
                    return self.unknown_field(
                        state,
                        name,
                        name_span,
                        &format!("a {}", kind.as_str()),
                        &candidates,
                    );
                };
                let mut steps = base.path.origin.clone();
                if let Some((_, s)) = &mut steps {
                    if in_spec {
                        s.push("spec".into());
                    }
                    s.push(name.to_string());
                }
                // The `spec` is always there in a valid document but
                // Platform's, which may leave it out: it then reads as {}.
                self.read_field(
                    base,
                    name,
                    in_spec,
                    field,
                    PathInfo {
                        origin: steps,
                        text,
                        needs: None,
                    },
                    span,
                )
            }
            Ty::Object(object) => {
                let Some(field) = self.types.objects[object].fields.get(name).cloned() else {
                    let candidates: Vec<&str> = self.types.objects[object]
                        .fields
                        .keys()
                        .map(String::as_str)
                        .collect();
                    let of = base
                        .path
                        .text
                        .as_ref()
                        .map_or("this object".to_string(), |t| format!("`{t}`"));
                    return self.unknown_field(state, name, name_span, &of, &candidates);
                };
                let mut origin = base.path.origin.clone();
                if let Some((_, s)) = &mut origin {
                    s.push(name.to_string());
                }
                let needs = base.path.needs.clone();
                self.read_field(
                    base,
                    name,
                    false,
                    field,
                    PathInfo {
                        origin,
                        text,
                        needs,
                    },
                    span,
                )
            }
            Ty::Map(value) => {
                let mut origin = base.path.origin.clone();
                if let Some((_, s)) = &mut origin {
                    s.push(name.to_string());
                }
                Typed {
                    expr: CExpr::Field {
                        base: Box::new(base.expr),
                        name: name.to_string(),
                        hash: key_hash(name),
                        in_spec: false,
                        ty: (*value).clone(),
                        absent: Absent::Null,
                    },
                    ty: *value,
                    path: PathInfo {
                        origin,
                        text,
                        needs: base.path.needs.clone(),
                    },
                    span,
                    literal: None,
                }
            }
            Ty::Any => {
                self.use_value(state, &base, facts, true);
                Typed {
                    expr: CExpr::Field {
                        base: Box::new(base.expr),
                        name: name.to_string(),
                        hash: key_hash(name),
                        in_spec: false,
                        ty: Ty::Any,
                        absent: Absent::Null,
                    },
                    ty: Ty::Any,
                    path: PathInfo {
                        origin: None,
                        text,
                        needs: None,
                    },
                    span,
                    literal: None,
                }
            }
            other => {
                let described = other.describe(self.types);
                let methods = matches!(other, Ty::Str(_) | Ty::List(_));
                self.error(
                    state,
                    name_span,
                    format!("{described} has no fields"),
                    "no such field",
                    methods.then(|| format!("methods are called with parentheses: `.{name}()`")),
                );
                Typed {
                    expr: CExpr::Const(Const::Null),
                    ty: Ty::Any,
                    path: PathInfo::none(),
                    span,
                    literal: None,
                }
            }
        }
    }

    fn read_field(
        &mut self,
        base: Typed,
        name: &str,
        in_spec: bool,
        field: Field,
        mut path: PathInfo,
        span: Span,
    ) -> Typed {
        let absent = if let Some(default) = &field.default {
            path.needs = None;
            Absent::Default(Tree::from_json(default))
        } else if field.required {
            Absent::Missing
        } else if matches!(field.ty, Ty::List(_) | Ty::Map(_)) {
            path.needs = None;
            Absent::Empty
        } else if matches!(field.ty, Ty::Object(_)) {
            path.needs = path.text.clone();
            Absent::Empty
        } else if field.ty == Ty::Any {
            path.needs = None;
            Absent::Null
        } else {
            path.needs = path.text.clone();
            Absent::Missing
        };
        Typed {
            expr: CExpr::Field {
                base: Box::new(base.expr),
                name: name.to_string(),
                hash: key_hash(name),
                in_spec,
                ty: field.ty.clone(),
                absent,
            },
            ty: field.ty,
            path,
            span,
            literal: None,
        }
    }

    fn unknown_field(
        &mut self,
        state: &mut RuleState,
        name: &str,
        name_span: Span,
        of: &str,
        candidates: &[&str],
    ) -> Typed {
        let help = match did_you_mean(name, candidates.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "its fields are {}",
                or_words(
                    &candidates
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                )
            ),
        };
        self.error(
            state,
            name_span,
            format!("{of} has no field `{name}`"),
            "unknown field",
            Some(help),
        );
        Typed {
            expr: CExpr::Const(Const::Null),
            ty: Ty::Any,
            path: PathInfo::none(),
            span: name_span,
            literal: None,
        }
    }

    fn index(
        &mut self,
        state: &mut RuleState,
        base: Typed,
        key: &Expr,
        span: Span,
        facts: &[String],
    ) -> Typed {
        if let ExprKind::Str(name) = &key.kind
            && matches!(base.ty, Ty::Map(_) | Ty::Object(_) | Ty::Doc(_))
        {
            let text = base.path.text.as_ref().map(|t| format!("{t}[\"{name}\"]"));
            let mut typed = self.field(state, base, name, key.span, span, facts);
            if typed.path.needs == typed.path.text {
                typed.path.needs = text.clone();
            }
            typed.path.text = text;
            return typed;
        }
        let key_typed = self.expr(state, key, facts);
        self.use_value(state, &key_typed, facts, true);
        match base.ty.clone() {
            Ty::Map(value) => {
                if !matches!(key_typed.ty, Ty::Str(_) | Ty::Any) {
                    let described = key_typed.ty.describe(self.types);
                    self.error(
                        state,
                        key.span,
                        format!("mapping keys are strings, and this is {described}"),
                        "not a string",
                        None,
                    );
                }
                self.read_whole(&base.path);
                Typed {
                    expr: CExpr::Key {
                        base: Box::new(base.expr),
                        key: Box::new(key_typed.expr),
                        ty: (*value).clone(),
                    },
                    ty: *value,
                    path: PathInfo::none(),
                    span,
                    literal: None,
                }
            }
            Ty::Any => {
                self.use_value(state, &base, facts, true);
                Typed {
                    expr: CExpr::Key {
                        base: Box::new(base.expr),
                        key: Box::new(key_typed.expr),
                        ty: Ty::Any,
                    },
                    ty: Ty::Any,
                    path: PathInfo::none(),
                    span,
                    literal: None,
                }
            }
            other => {
                let described = other.describe(self.types);
                self.error(
                    state,
                    span,
                    format!("`[…]` reads a key of a mapping, and this is {described}"),
                    "not a mapping",
                    matches!(other, Ty::List(_))
                        .then(|| "iterate a list with `for x in …`".to_string()),
                );
                Typed {
                    expr: CExpr::Const(Const::Null),
                    ty: Ty::Any,
                    path: PathInfo::none(),
                    span,
                    literal: None,
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn method(
        &mut self,
        state: &mut RuleState,
        receiver: Typed,
        name: &str,
        name_span: Span,
        arguments: &[Expr],
        span: Span,
        facts: &[String],
    ) -> Typed {
        let fail = |ty| Typed {
            expr: CExpr::Const(Const::Null),
            ty,
            path: PathInfo::none(),
            span,
            literal: None,
        };
        let receiver = self.settle_literal(state, receiver);
        // `size()` and a mapping's `contains(key)` read the shape only.
        let shape_only = matches!(receiver.ty, Ty::Map(_) | Ty::List(_))
            && (name == "size" || (name == "contains" && matches!(receiver.ty, Ty::Map(_))));
        self.use_value(state, &receiver, facts, !shape_only);
        if shape_only {
            self.read_shape(&receiver.path);
        }
        let available: &[&str] = match receiver.ty {
            Ty::Str(_) => &["contains", "endsWith", "matches", "size", "startsWith"],
            Ty::List(_) | Ty::Map(_) => &["contains", "size"],
            Ty::Any => &["contains", "endsWith", "matches", "size", "startsWith"],
            _ => &[],
        };
        let Some(&(_, method)) = METHODS
            .iter()
            .find(|(n, _)| *n == name && available.contains(n))
        else {
            let described = receiver.ty.describe(self.types);
            let help = match did_you_mean(name, available.iter().copied()) {
                Some(close) => Some(format!("did you mean `{close}`?")),
                None if available.is_empty() => None,
                None => Some(format!(
                    "its methods are {}",
                    or_words(
                        &available
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                    )
                )),
            };
            self.error(
                state,
                name_span,
                format!("{described} has no method `{name}`"),
                "unknown method",
                help,
            );
            return fail(Ty::Any);
        };
        let expected = if method == Method::Size { 0 } else { 1 };
        if arguments.len() != expected {
            self.error(
                state,
                span,
                format!(
                    "`{name}` takes {expected} argument{}, not {}",
                    if expected == 1 { "" } else { "s" },
                    arguments.len()
                ),
                "wrong arguments",
                None,
            );
            return fail(if method == Method::Size {
                Ty::Int
            } else {
                Ty::Bool
            });
        }
        if method == Method::Size {
            return Typed {
                expr: CExpr::Method(Box::new(receiver.expr), method, Vec::new()),
                ty: Ty::Int,
                path: PathInfo::none(),
                span,
                literal: None,
            };
        }
        let argument = &arguments[0];
        if method == Method::Matches {
            let ExprKind::Str(pattern) = &argument.kind else {
                self.error(
                    state,
                    argument.span,
                    "`matches` takes a regex written as a string literal, so that it is checked before anything runs".into(),
                    "not a string literal",
                    None,
                );
                return fail(Ty::Bool);
            };
            return match compile_regex(pattern) {
                Ok(regex) => Typed {
                    expr: CExpr::Matches(Box::new(receiver.expr), Box::new(regex)),
                    ty: Ty::Bool,
                    path: PathInfo::none(),
                    span,
                    literal: None,
                },
                Err(problem) => {
                    self.error(state, argument.span, format!("invalid regex: {problem}"), "does not compile", Some("the syntax is that of the Rust `regex` crate (RE2-like); write regexes in single quotes, where `\\` is a plain character".into()));
                    fail(Ty::Bool)
                }
            };
        }
        let arg = self.expr(state, argument, facts);
        let arg = match &receiver.ty {
            Ty::List(item) => self.coerce_to(state, arg, item),
            _ => self.settle_literal(state, arg),
        };
        self.use_value(state, &arg, facts, true);
        let wanted = match &receiver.ty {
            Ty::List(item) => (**item).clone(),
            _ => Ty::Str(None),
        };
        if !compatible(&wanted, &arg.ty) {
            let (w, a) = (wanted.describe(self.types), arg.ty.describe(self.types));
            self.error(
                state,
                argument.span,
                format!("`{name}` takes {w} here, and this is {a}"),
                "wrong type",
                None,
            );
        }
        Typed {
            expr: CExpr::Method(Box::new(receiver.expr), method, vec![arg.expr]),
            ty: Ty::Bool,
            path: PathInfo::none(),
            span,
            literal: None,
        }
    }

    /// A quantity literal compared with a value of `target`'s type takes its kind.
    fn coerce_to(&mut self, state: &mut RuleState, typed: Typed, target: &Ty) -> Typed {
        match (typed.ty.clone(), target, typed.literal.clone()) {
            (Ty::QuantityLiteral(kinds), Ty::Quantity(kind), Some(text)) => {
                if kinds.contains(kind) {
                    self.literal_as(state, typed, *kind, &text)
                } else {
                    let words: Vec<String> = kinds.iter().map(|k| k.word().to_string()).collect();
                    self.error(
                        state,
                        typed.span,
                        format!(
                            "`{text}` is {}, compared with {}",
                            or_words(&words),
                            kind.word()
                        ),
                        "wrong kind of unit",
                        Some(unit_help(*kind)),
                    );
                    typed
                }
            }
            (Ty::QuantityLiteral(kinds), Ty::QuantityLiteral(other), Some(text)) => {
                match kinds.iter().find(|k| other.contains(k)) {
                    Some(&kind) => self.literal_as(state, typed, kind, &text),
                    None => self.settle_literal(state, typed),
                }
            }
            (Ty::QuantityLiteral(_), _, _) => self.settle_literal(state, typed),
            _ => typed,
        }
    }

    fn binary(
        &mut self,
        state: &mut RuleState,
        op: BinaryOp,
        l: Typed,
        r: Typed,
        span: Span,
        facts: &[String],
    ) -> Typed {
        let l_ty = l.ty.clone();
        let r_ty = r.ty.clone();
        let reported = self.out.len();
        let l = self.coerce_to(state, l, &r_ty);
        let r = self.coerce_to(state, r, &l_ty);
        // A literal of the wrong unit is reported once, by the coercion.
        let coerced_badly = self.out.len() > reported;
        self.use_value(state, &l, facts, true);
        // `key in mapping` reads the mapping's keys only.
        let keys_only = op == BinaryOp::In && matches!(r.ty, Ty::Map(_));
        self.use_value(state, &r, facts, !keys_only);
        if keys_only {
            self.read_shape(&r.path);
        }
        let plain = |expr: CExpr, ty: Ty| Typed {
            expr,
            ty,
            path: PathInfo::none(),
            span,
            literal: None,
        };
        let (a, b) = (l.ty.describe(self.types), r.ty.describe(self.types));
        let compiled = CExpr::Binary(op, Box::new(l.expr.clone()), Box::new(r.expr.clone()));
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                if coerced_badly {
                } else if !comparable(&l.ty, &r.ty) {
                    self.mismatch(state, span, op, &l.ty, &r.ty, &a, &b);
                } else {
                    self.check_enum_literal(state, &l, &r);
                    self.check_enum_literal(state, &r, &l);
                }
                plain(compiled, Ty::Bool)
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ordered = match (&l.ty, &r.ty) {
                    (x, y) if x.is_numeric() && y.is_numeric() => true,
                    (Ty::Quantity(x), Ty::Quantity(y)) => x == y,
                    (Ty::Quantity(k), n) | (n, Ty::Quantity(k)) if n.is_numeric() => {
                        *k != QuantityKind::Duration
                    }
                    (Ty::Any, y) | (y, Ty::Any) => {
                        y.is_numeric() || matches!(y, Ty::Quantity(_) | Ty::Any | Ty::Null)
                    }
                    (Ty::Null, y) | (y, Ty::Null) => y.is_numeric() || matches!(y, Ty::Quantity(_)),
                    _ => false,
                };
                if !ordered && !coerced_badly {
                    self.mismatch(state, span, op, &l.ty, &r.ty, &a, &b);
                }
                plain(compiled, Ty::Bool)
            }
            BinaryOp::In => {
                match &r.ty {
                    Ty::List(item) => {
                        if !comparable(&l.ty, item) {
                            let i = item.describe(self.types);
                            self.error(
                                state,
                                l.span,
                                format!(
                                    "`in` looks for {a} in a list of {}",
                                    i.trim_start_matches("a ").trim_start_matches("an ")
                                ),
                                "never in the list",
                                None,
                            );
                        }
                    }
                    Ty::Map(_) => {
                        if !matches!(l.ty, Ty::Str(_) | Ty::Any) {
                            self.error(
                                state,
                                l.span,
                                format!(
                                    "`in` a mapping looks for a key, a string, and this is {a}"
                                ),
                                "not a string",
                                None,
                            );
                        }
                    }
                    Ty::Any => {}
                    _ => {
                        self.error(
                            state,
                            r.span,
                            format!("`in` needs a list or a mapping on its right, and this is {b}"),
                            "not a list",
                            None,
                        );
                    }
                }
                plain(compiled, Ty::Bool)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let ty = match (op, &l.ty, &r.ty) {
                    (BinaryOp::Div, x, y) if x.is_numeric() && y.is_numeric() => Some(Ty::Number),
                    (_, Ty::Int, Ty::Int) => Some(Ty::Int),
                    (_, x, y) if x.is_numeric() && y.is_numeric() => Some(Ty::Number),
                    (BinaryOp::Add | BinaryOp::Sub, Ty::Quantity(x), Ty::Quantity(y)) if x == y => {
                        Some(Ty::Quantity(*x))
                    }
                    (BinaryOp::Div, Ty::Quantity(x), Ty::Quantity(y)) if x == y => Some(Ty::Number),
                    (BinaryOp::Mul, Ty::Quantity(k), n) | (BinaryOp::Mul, n, Ty::Quantity(k))
                        if n.is_numeric() =>
                    {
                        Some(Ty::Quantity(*k))
                    }
                    (BinaryOp::Div, Ty::Quantity(k), n) if n.is_numeric() => Some(Ty::Quantity(*k)),
                    (BinaryOp::Add, Ty::Str(_), Ty::Str(_)) => Some(Ty::Str(None)),
                    (_, Ty::Any, _) | (_, _, Ty::Any) => Some(Ty::Any),
                    _ => None,
                };
                match ty {
                    Some(ty) => plain(compiled, ty),
                    None => {
                        self.mismatch(state, span, op, &l.ty, &r.ty, &a, &b);
                        plain(compiled, Ty::Any)
                    }
                }
            }
            BinaryOp::And | BinaryOp::Or => unreachable!("handled as conditions"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn mismatch(
        &mut self,
        state: &mut RuleState,
        span: Span,
        op: BinaryOp,
        l: &Ty,
        r: &Ty,
        a: &str,
        b: &str,
    ) {
        let help = match (l, r) {
            (Ty::Quantity(k), Ty::Quantity(_))
            | (Ty::Quantity(k), Ty::QuantityLiteral(_))
            | (Ty::QuantityLiteral(_), Ty::Quantity(k)) => Some(unit_help(*k)),
            (Ty::Quantity(QuantityKind::Duration), n)
            | (n, Ty::Quantity(QuantityKind::Duration))
                if n.is_numeric() =>
            {
                Some("write a duration with its unit: `30s`, `5m`, `1h`".to_string())
            }
            _ => None,
        };
        self.error(
            state,
            span,
            format!("`{}` cannot compare {a} with {b}", op.symbol()),
            "type mismatch",
            help,
        );
    }

    /// `workload.type == "servless"`: a literal the field never takes.
    fn check_enum_literal(&mut self, state: &mut RuleState, field: &Typed, literal: &Typed) {
        let (Ty::Str(Some(e)), CExpr::Const(Const::Str(value))) = (&field.ty, &literal.expr) else {
            return;
        };
        let values = &self.types.enums[*e];
        if values.iter().any(|v| v == value) {
            return;
        }
        let help = did_you_mean(value, values.iter().map(String::as_str))
            .map(|c| format!("did you mean `{c}`?"))
            .unwrap_or_else(|| {
                format!(
                    "it is one of {}",
                    or_words(&values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>())
                )
            });
        let what = field
            .path
            .text
            .clone()
            .map(|t| format!("`{t}`"))
            .unwrap_or_else(|| "this value".into());
        self.error(
            state,
            literal.span,
            format!("{what} is never `{value}`"),
            "never this value",
            Some(help),
        );
    }
}

fn unit_help(kind: QuantityKind) -> String {
    match kind {
        QuantityKind::Cpu => "CPU is written in millicores (`500m`) or cores (`2`)".into(),
        QuantityKind::Memory => "memory is written with a byte unit: `512Mi`, `2Gi`, `1G`".into(),
        QuantityKind::Duration => {
            "durations are written with a time unit: `30s`, `5m`, `1h30m`".into()
        }
    }
}

/// Whether `==` may compare the two.
fn comparable(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Null, _) | (_, Ty::Null) | (Ty::Any, _) | (_, Ty::Any) => true,
        (x, y) if x.is_numeric() && y.is_numeric() => true,
        (Ty::Quantity(k), n) | (n, Ty::Quantity(k)) if n.is_numeric() => {
            *k != QuantityKind::Duration
        }
        (Ty::List(x), Ty::List(y)) => comparable(x, y),
        (Ty::Object(_) | Ty::Map(_) | Ty::Doc(_), _)
        | (_, Ty::Object(_) | Ty::Map(_) | Ty::Doc(_)) => false,
        _ => compatible(a, b),
    }
}

/// Same type, ignoring enumerations.
fn compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Any, _) | (_, Ty::Any) => true,
        (Ty::Str(_), Ty::Str(_)) => true,
        (x, y) if x.is_numeric() && y.is_numeric() => true,
        (Ty::List(x), Ty::List(y)) => compatible(x, y),
        (Ty::Map(x), Ty::Map(y)) => compatible(x, y),
        _ => a == b,
    }
}

/// `matches` regexes: the linear-time engine, with the limits every
/// regexp landfall compiles shares, which stop pattern bombs before they
/// cost anything.
fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    use landfall_diagnostics::regex_limits::{builder, too_long};
    if let Some(message) = too_long(pattern) {
        return Err(message);
    }
    builder(pattern).build().map_err(|e| match e {
        regex::Error::Syntax(text) => text.lines().last().unwrap_or_default().trim().to_string(),
        regex::Error::CompiledTooBig(limit) => {
            format!("it compiles to more than {limit} bytes")
        }
        other => other.to_string(),
    })
}

/// The kinds a quantity literal's unit allows.
fn literal_kinds(text: &str) -> Vec<QuantityKind> {
    let mut kinds = Vec::new();
    if parse_quantity(text).is_ok() {
        let suffix = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        if suffix == "m" {
            kinds.push(QuantityKind::Cpu);
        } else if !suffix.is_empty() {
            kinds.push(QuantityKind::Memory);
        }
    }
    if parse_duration(text).is_ok() {
        kinds.push(QuantityKind::Duration);
    }
    kinds
}

/// A literal's value in the kind's base unit, exactly.
pub fn quantity_value(text: &str, kind: QuantityKind) -> Option<Quantity> {
    match kind {
        QuantityKind::Cpu | QuantityKind::Memory => parse_quantity(text).ok(),
        QuantityKind::Duration => parse_duration(text).ok(),
    }
}

fn is_path(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Name(_) => true,
        ExprKind::Field(base, _, _) => is_path(base),
        ExprKind::Index(base, key) => is_path(base) && matches!(key.kind, ExprKind::Str(_)),
        _ => false,
    }
}

fn is_field_path(expr: &Expr) -> bool {
    matches!(expr.kind, ExprKind::Field(..) | ExprKind::Index(..)) && is_path(expr)
}

/// The canonical text of a path, as guards compare them.
fn path_text(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(name) => Some(name.clone()),
        ExprKind::Field(base, name, _) => Some(format!("{}.{name}", path_text(base)?)),
        ExprKind::Index(base, key) => match &key.kind {
            ExprKind::Str(k) => Some(format!("{}[\"{k}\"]", path_text(base)?)),
            _ => None,
        },
        _ => None,
    }
}

/// Paths known to exist when `expr` is true.
fn true_facts(expr: &Expr) -> Vec<String> {
    match &expr.kind {
        ExprKind::Exists(path) => path_text(path).into_iter().collect(),
        ExprKind::Binary(BinaryOp::And, l, r) => {
            let mut facts = true_facts(l);
            facts.extend(true_facts(r));
            facts
        }
        ExprKind::Not(inner) => false_facts(inner),
        _ => Vec::new(),
    }
}

/// Paths known to exist when `expr` is false.
fn false_facts(expr: &Expr) -> Vec<String> {
    match &expr.kind {
        ExprKind::Binary(BinaryOp::Or, l, r) => {
            let mut facts = false_facts(l);
            facts.extend(false_facts(r));
            facts
        }
        ExprKind::Not(inner) => true_facts(inner),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    //! The `exists` guard logic: which reads of optional fields type-check,
    //! through every way a guard flows (`and`, `or` after a negation,
    //! `where`, `at` and `message` after the condition that reported).

    use landfall_diagnostics::SourceDb;

    use crate::{PolicySet, PolicySource};

    /// The `policy-type` messages of a policy file (any other finding fails).
    fn type_errors(policy: &str) -> Vec<String> {
        let mut db = SourceDb::new();
        let file = db.add("acme.policy", policy);
        let (set, diagnostics) = PolicySet::compile(&[PolicySource { file, text: policy }], &[]);
        let messages: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.rule, "policy-type", "{}", d.message);
                d.message.clone()
            })
            .collect();
        // A rule with an error is left out; one without runs.
        assert_eq!(set.is_empty(), !messages.is_empty(), "{messages:?}");
        messages
    }

    /// A one-rule policy over workloads.
    fn rule(body: &str) -> String {
        format!("rule r: error\n  {body}\n")
    }

    const TIMEOUT_MAY_BE_MISSING: &str =
        "`workload.timeout` is optional and has no default: it may be missing";

    #[test]
    fn an_optional_field_read_without_a_guard_is_a_type_error() {
        assert_eq!(
            type_errors(&rule("require workload.timeout <= 60s")),
            [TIMEOUT_MAY_BE_MISSING]
        );
    }

    #[test]
    fn exists_on_the_left_of_and_guards_the_right() {
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.timeout) and workload.timeout > 60s"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_guard_on_the_right_of_and_comes_too_late() {
        assert_eq!(
            type_errors(&rule(
                "deny workload.timeout > 60s and exists(workload.timeout)"
            )),
            [TIMEOUT_MAY_BE_MISSING]
        );
    }

    #[test]
    fn not_exists_on_the_left_of_or_guards_the_right() {
        assert_eq!(
            type_errors(&rule(
                "require not exists(workload.timeout) or workload.timeout <= 60s"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn exists_on_the_left_of_or_does_not_guard_the_right() {
        // The right of `or` runs when the left is false: the field is missing.
        assert_eq!(
            type_errors(&rule(
                "require exists(workload.timeout) or workload.timeout <= 60s"
            )),
            [TIMEOUT_MAY_BE_MISSING]
        );
    }

    #[test]
    fn a_negated_guard_guards_nothing_on_the_right_of_and() {
        assert_eq!(
            type_errors(&rule(
                "deny not exists(workload.timeout) and workload.timeout > 60s"
            )),
            [TIMEOUT_MAY_BE_MISSING]
        );
    }

    #[test]
    fn a_double_negation_is_a_guard() {
        assert_eq!(
            type_errors(&rule(
                "deny not (not exists(workload.timeout)) and workload.timeout > 60s"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn guards_joined_by_and_both_hold() {
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.timeout) and exists(workload.scaling.metric) and workload.timeout > 60s and workload.scaling.metric == \"cpu\""
            )),
            Vec::<String>::new()
        );
        // `not (A and B) or …`: the right runs when both exist.
        assert_eq!(
            type_errors(&rule(
                "require not (exists(workload.timeout) and exists(workload.scaling.metric)) or workload.timeout <= 60s"
            )),
            Vec::<String>::new()
        );
        // `not (A or B) or …`: the right runs when either exists, so this
        // one may be missing.
        assert_eq!(
            type_errors(&rule(
                "require not (exists(workload.scaling.metric) or exists(workload.timeout)) or workload.timeout <= 60s"
            )),
            [TIMEOUT_MAY_BE_MISSING]
        );
        // Negated guards joined by `or`: false only when both exist.
        assert_eq!(
            type_errors(&rule(
                "require not exists(workload.timeout) or not exists(workload.scaling.metric) or workload.timeout <= 60s"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_guard_of_one_field_does_not_guard_another() {
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.scaling.metric) and workload.timeout > 60s"
            )),
            [TIMEOUT_MAY_BE_MISSING]
        );
    }

    #[test]
    fn a_field_of_an_optional_object_needs_the_object_guarded() {
        // `schedule` is required in `job`, which is optional.
        assert_eq!(
            type_errors(&rule("require workload.job.schedule != \"\"")),
            ["`workload.job.schedule` is missing when `workload.job` is, which is optional"]
        );
        assert_eq!(
            type_errors(&rule(
                "require not exists(workload.job) or workload.job.schedule != \"\""
            )),
            Vec::<String>::new()
        );
        // A guard of the field itself implies its object.
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.job.schedule) and workload.job.schedule == \"* * * * *\""
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_optional_field_of_a_guarded_object_needs_its_own_guard() {
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.job) and workload.job.activeDeadlineSeconds > 60"
            )),
            [
                "`workload.job.activeDeadlineSeconds` is optional and has no default: it may be missing"
            ]
        );
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.job.activeDeadlineSeconds) and workload.job.activeDeadlineSeconds > 60"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn fields_with_defaults_and_collections_need_no_guard() {
        // `scaling` may be missing, `minScale` has a default; an absent
        // list reads as empty; a key of a mapping reads as null.
        assert_eq!(
            type_errors(
                "rule r: error\n  for container in workload.containers\n  require workload.scaling.minScale >= 1 and container.resources.memory <= 2Gi and workload.metadata.labels.team != \"x\"\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_where_guard_holds_for_what_follows_it() {
        assert_eq!(
            type_errors(
                "rule r: error\n  for w in workloads where exists(w.timeout)\n  require w.timeout <= 60s\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            type_errors(
                "rule r: error\n  for w in workloads where w.scaling.minScale > 1\n  require w.timeout <= 60s\n"
            ),
            ["`w.timeout` is optional and has no default: it may be missing"]
        );
    }

    #[test]
    fn what_the_reporting_condition_implies_guards_at_and_message() {
        // `deny` reports when its condition is true.
        assert_eq!(
            type_errors(&rule(
                "deny exists(workload.timeout) and workload.timeout > 60s\n  at workload.timeout\n  message \"timeout {workload.timeout}\""
            )),
            Vec::<String>::new()
        );
        // `require` reports when its condition is false: then the field exists.
        assert_eq!(
            type_errors(&rule(
                "require not exists(workload.timeout) or workload.timeout <= 60s\n  message \"timeout {workload.timeout}\""
            )),
            Vec::<String>::new()
        );
        // A condition that implies nothing guards nothing.
        assert_eq!(
            type_errors(&rule(
                "require workload.scaling.minScale >= 2\n  message \"timeout {workload.timeout}\""
            )),
            [TIMEOUT_MAY_BE_MISSING]
        );
    }

    #[test]
    fn exists_takes_a_field_path() {
        assert_eq!(
            type_errors(&rule("deny exists(workload)")),
            ["`exists` takes a path to a field, such as `exists(workload.timeout)`"]
        );
    }
}

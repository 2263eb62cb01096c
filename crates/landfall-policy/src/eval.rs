//! Running compiled rules over the resolved project: each rule once per
//! document of its root kind (or per element of its first collection), in
//! parallel; each violation a normal [`Diagnostic`] with the rule id
//! `policy/<id>`, its severity, the `at` span (or the element bound last),
//! the message, and a label on the rule in its `.policy` file.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::LazyLock;

use landfall_diagnostics::{Diagnostic, Label, Span, Suppression};
use landfall_model::quantity::{Quantity, RangeError};
use landfall_model::{Document, Project};

use landfall_schema::Kind;

use crate::ast::BinaryOp;
use crate::check::{
    Absent, CExpr, CompiledRule, Const, MessagePart, Method, Reference, quantity_value,
};
use crate::types::{QuantityKind, Ty};
use crate::view::{Tree, TreeValue, key_hash};

/// Why a binding produced no verdict.
enum Stop {
    /// The data is not judged: a value other rules already reject (an
    /// invalid quantity), or a reference that does not resolve.
    Skip,
    /// The rule itself cannot be evaluated here (division by zero): reported.
    Fail(String),
}

type Result<T> = std::result::Result<T, Stop>;

#[derive(Clone, Debug)]
enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Num(f64),
    Str(Cow<'a, str>),
    /// Kind, value in base units (exact), text as written.
    Qty(QuantityKind, Quantity, Cow<'a, str>),
    List(Vec<Located<'a>>),
    /// A list, mapping or object of a document, with its static type.
    Tree(&'a Tree, &'a Ty),
    Doc(usize),
}

/// A value and where it is written (or, for a default, its nearest written parent).
#[derive(Clone, Debug)]
struct Located<'a> {
    val: Val<'a>,
    at: Option<Span>,
}

impl<'a> Located<'a> {
    fn new(val: Val<'a>) -> Self {
        Located { val, at: None }
    }
}

static EMPTY_LIST: Tree = Tree {
    span: None,
    value: TreeValue::List(Vec::new()),
};
static EMPTY_MAP: Tree = Tree {
    span: None,
    value: TreeValue::Map(Vec::new()),
};
static ANY: Ty = Ty::Any;

/// A compiled rule (its id span locates it in its `.policy` file).
pub struct RunnableRule<'a> {
    pub rule: &'a CompiledRule,
}

/// Everything a rule reads: the project (names, references) and each
/// document's view (aligned with `project.documents`; `None` for documents
/// no policy reads or that failed their schema).
pub struct World<'a> {
    pub project: &'a Project,
    pub views: &'a [Option<Tree>],
}

pub fn evaluate(rules: &[RunnableRule], world: &World) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // The kind of document each rule runs once per: its root's, or that
    // of the collection its first `for` iterates.
    let kinds: Vec<Option<Kind>> = rules
        .iter()
        .map(|r| match (r.rule.root, r.rule.clauses.first()) {
            (Some(kind), _) => Some(kind),
            (None, Some(first)) => match first.collection {
                CExpr::Collection(kind) => Some(kind),
                _ => None,
            },
            (None, None) => None,
        })
        .collect();
    // Document by document, every rule in turn: a document's view is
    // fetched from memory once, not once per rule.
    (0..world.project.documents.len())
        .into_par_iter()
        .with_min_len(64)
        .filter(|&i| world.views[i].is_some())
        .flat_map_iter(|i| {
            let kind = world.project.documents[i].kind();
            let mut found = Vec::new();
            for (runnable, _) in rules.iter().zip(&kinds).filter(|(_, k)| **k == Some(kind)) {
                let mut run = Run {
                    rule: runnable.rule,
                    world,
                    slots: vec![None; runnable.rule.slots],
                    last_bound: None,
                    found: Vec::new(),
                };
                let doc = run.doc(i);
                if runnable.rule.root.is_some() {
                    run.slots[0] = Some(doc);
                    run.last_bound = Some(0);
                    run.clauses(0, None);
                } else {
                    run.clauses(0, Some(doc));
                }
                found.append(&mut run.found);
            }
            found
        })
        .collect()
}

struct Run<'a, 'w> {
    rule: &'a CompiledRule,
    world: &'w World<'a>,
    slots: Vec<Option<Located<'a>>>,
    last_bound: Option<usize>,
    found: Vec<Diagnostic>,
}

impl<'a> Run<'a, '_> {
    fn doc(&self, index: usize) -> Located<'a> {
        let file = self.world.project.documents[index].file;
        let at = self.world.views[index]
            .as_ref()
            .and_then(|v| v.span)
            .map(|(s, e)| Span::new(file, s, e));
        Located {
            val: Val::Doc(index),
            at,
        }
    }

    fn view(&self, index: usize) -> Option<&'a Tree> {
        // The views outlive the run: they are borrowed for 'a.
        let views: &'a [Option<Tree>] = self.world.views;
        views.get(index).and_then(Option::as_ref)
    }

    /// Binds clause `i` onwards; `first` is the element of the first
    /// collection this unit runs for.
    fn clauses(&mut self, i: usize, first: Option<Located<'a>>) {
        let Some(clause) = self.rule.clauses.get(i) else {
            self.check();
            return;
        };
        let elements = match first {
            Some(element) => vec![element],
            None => match self.eval(&clause.collection).and_then(|c| self.elements(c)) {
                Ok(elements) => elements,
                Err(stop) => {
                    self.stopped(stop);
                    return;
                }
            },
        };
        for element in elements {
            self.slots[clause.slot] = Some(element);
            let previous = self.last_bound.replace(clause.slot);
            let pass = match &clause.filter {
                Some(filter) => self.eval(filter).and_then(|v| truth(&v)),
                None => Ok(true),
            };
            match pass {
                Ok(true) => self.clauses(i + 1, None),
                Ok(false) => {}
                Err(stop) => self.stopped(stop),
            }
            self.last_bound = previous;
        }
        self.slots[clause.slot] = None;
    }

    fn check(&mut self) {
        let verdict = self.eval(&self.rule.condition).and_then(|v| truth(&v));
        match verdict {
            Ok(holds) if holds == self.rule.deny => {
                let message = match &self.rule.message {
                    Some(parts) => self.message(parts),
                    None => Ok(self.rule.summary.clone().unwrap_or_else(|| {
                        if self.rule.deny {
                            format!(
                                "`{}` holds, which the rule denies",
                                self.rule.condition_text
                            )
                        } else {
                            format!("`{}` does not hold", self.rule.condition_text)
                        }
                    })),
                };
                match message {
                    Ok(message) => self.report(message, None),
                    Err(stop) => self.stopped(stop),
                }
            }
            Ok(_) => {}
            Err(stop) => self.stopped(stop),
        }
    }

    fn stopped(&mut self, stop: Stop) {
        if let Stop::Fail(why) = stop {
            self.report(
                format!("rule `{}` could not be evaluated: {why}", self.rule.id),
                Some(()),
            );
        }
    }

    fn report(&mut self, message: String, failed: Option<()>) {
        let bound = self
            .last_bound
            .and_then(|slot| self.slots[slot].as_ref())
            .and_then(|l| l.at);
        let mut note = None;
        let span = match (&self.rule.at, failed) {
            (Some(at), None) => {
                if let Ok(false) = self.exists(at) {
                    note = Some("the value is not written: it is the spec's default".to_string());
                }
                self.eval(at).ok().and_then(|l| l.at).or(bound)
            }
            _ => bound,
        };
        let Some(span) = span else {
            return;
        };
        let mut d = Diagnostic {
            rule: Cow::Owned(format!("policy/{}", self.rule.id)),
            severity: self.rule.severity,
            message,
            span,
            span_label: String::new(),
            labels: vec![Label {
                span: self.rule.id_span,
                message: "policy rule".into(),
            }],
            help: None,
            notes: Vec::new(),
            suppression: None::<Suppression>,
            fixes: Vec::new(),
        };
        if let Some(note) = note {
            d = d.with_note(note);
        }
        self.found.push(d);
    }

    fn message(&mut self, parts: &'a [MessagePart]) -> Result<String> {
        let mut out = String::new();
        for part in parts {
            match part {
                MessagePart::Text(text) => out.push_str(text),
                MessagePart::Hole(expr) => {
                    let value = self.eval(expr)?;
                    self.show(&value.val, &mut out);
                }
            }
        }
        Ok(out)
    }

    fn show(&self, val: &Val<'a>, out: &mut String) {
        match val {
            Val::Null => out.push_str("null"),
            Val::Bool(b) => out.push_str(&b.to_string()),
            Val::Int(i) => out.push_str(&i.to_string()),
            Val::Num(n) => out.push_str(&format_number(*n)),
            Val::Str(s) => out.push_str(s),
            Val::Qty(_, _, text) => out.push_str(text),
            Val::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.show(&item.val, out);
                }
                out.push(']');
            }
            Val::Tree(tree, _) => show_tree(tree, out),
            Val::Doc(i) => {
                out.push_str(self.world.project.documents[*i].name().unwrap_or_default())
            }
        }
    }

    /// The elements a `for` iterates.
    fn elements(&self, collection: Located<'a>) -> Result<Vec<Located<'a>>> {
        match collection.val {
            Val::List(items) => Ok(items),
            Val::Tree(tree, ty) => {
                let item_ty = match ty {
                    Ty::List(item) => item.as_ref(),
                    _ => &ANY,
                };
                match &tree.value {
                    TreeValue::List(items) => items
                        .iter()
                        .map(|item| from_tree(item, item_ty, collection.at))
                        .collect(),
                    _ => Err(Stop::Fail("`for` met a value that is not a list".into())),
                }
            }
            Val::Null => Ok(Vec::new()),
            _ => Err(Stop::Fail("`for` met a value that is not a list".into())),
        }
    }

    fn eval(&self, expr: &'a CExpr) -> Result<Located<'a>> {
        Ok(match expr {
            CExpr::Const(c) => Located::new(match c {
                Const::Null => Val::Null,
                Const::Bool(b) => Val::Bool(*b),
                Const::Int(i) => Val::Int(*i),
                Const::Number(n) => Val::Num(*n),
                Const::Str(s) => Val::Str(Cow::Borrowed(s)),
                Const::Quantity(k, v, text) => Val::Qty(*k, *v, Cow::Borrowed(text)),
            }),
            CExpr::List(items) => Located::new(Val::List(
                items.iter().map(|i| self.eval(i)).collect::<Result<_>>()?,
            )),
            CExpr::Var(slot) => self.slots[*slot].clone().ok_or(Stop::Skip)?,
            CExpr::Collection(kind) => Located::new(Val::List(
                self.world
                    .project
                    .documents
                    .iter()
                    .enumerate()
                    .filter(|(i, d)| d.kind() == *kind && self.view(*i).is_some())
                    .map(|(i, _)| self.doc(i))
                    .collect(),
            )),
            CExpr::Field {
                base,
                name,
                hash,
                in_spec,
                ty,
                absent,
            } => {
                let base = self.eval(base)?;
                match self.lookup_hashed(&base, name, *hash, *in_spec)? {
                    Some(tree) => from_tree(tree, ty, base.at)?,
                    None => match absent {
                        Absent::Default(default) => from_tree(default, ty, base.at)?,
                        Absent::Empty => {
                            let empty = if matches!(ty, Ty::List(_)) {
                                &EMPTY_LIST
                            } else {
                                &EMPTY_MAP
                            };
                            Located {
                                val: Val::Tree(empty, ty),
                                at: base.at,
                            }
                        }
                        Absent::Null | Absent::Missing => Located {
                            val: Val::Null,
                            at: base.at,
                        },
                    },
                }
            }
            CExpr::Key { base, key, ty } => {
                let base = self.eval(base)?;
                let key = self.eval(key)?;
                let Val::Str(name) = &key.val else {
                    return Ok(Located {
                        val: Val::Null,
                        at: base.at,
                    });
                };
                match self.lookup(&base, name, false)? {
                    Some(tree) => from_tree(tree, ty, base.at)?,
                    None => Located {
                        val: Val::Null,
                        at: base.at,
                    },
                }
            }
            CExpr::Reference(base, reference) => self.reference(self.eval(base)?, *reference)?,
            CExpr::Exists(path) => Located::new(Val::Bool(self.exists(path)?)),
            CExpr::Not(inner) => Located::new(Val::Bool(!truth(&self.eval(inner)?)?)),
            CExpr::And(l, r) => {
                Located::new(Val::Bool(truth(&self.eval(l)?)? && truth(&self.eval(r)?)?))
            }
            CExpr::Or(l, r) => {
                Located::new(Val::Bool(truth(&self.eval(l)?)? || truth(&self.eval(r)?)?))
            }
            CExpr::Neg(inner) => Located::new(match self.eval(inner)?.val {
                Val::Int(i) => Val::Int(i.checked_neg().ok_or_else(overflow)?),
                Val::Num(n) => Val::Num(-n),
                Val::Qty(k, v, text) => Val::Qty(k, -v, Cow::Owned(format!("-{text}"))),
                other => return Err(Stop::Fail(format!("`-` met {}", kind_of(&other)))),
            }),
            CExpr::Matches(receiver, regex) => {
                let value = self.eval(receiver)?;
                match value.val {
                    Val::Str(s) => Located::new(Val::Bool(regex.is_match(&s))),
                    Val::Null => Located::new(Val::Bool(false)),
                    other => return Err(Stop::Fail(format!("`matches` met {}", kind_of(&other)))),
                }
            }
            CExpr::Method(receiver, method, arguments) => {
                let receiver = self.eval(receiver)?;
                let argument = match arguments.first() {
                    Some(a) => Some(self.eval(a)?),
                    None => None,
                };
                Located::new(self.method(receiver, *method, argument)?)
            }
            CExpr::Binary(op, l, r) => {
                let l = self.eval(l)?;
                let r = self.eval(r)?;
                Located::new(self.binary(*op, l, r)?)
            }
        })
    }

    /// The written node of field `name` of a document, tree or missing object.
    fn lookup(&self, base: &Located<'a>, name: &str, in_spec: bool) -> Result<Option<&'a Tree>> {
        self.lookup_hashed(base, name, key_hash(name), in_spec)
    }

    fn lookup_hashed(
        &self,
        base: &Located<'a>,
        name: &str,
        hash: u64,
        in_spec: bool,
    ) -> Result<Option<&'a Tree>> {
        static SPEC: LazyLock<u64> = LazyLock::new(|| key_hash("spec"));
        Ok(match &base.val {
            Val::Doc(i) => {
                let Some(root) = self.view(*i) else {
                    return Err(Stop::Skip);
                };
                if in_spec {
                    root.get_hashed("spec", *SPEC)
                        .and_then(|spec| spec.get_hashed(name, hash))
                } else {
                    root.get_hashed(name, hash)
                }
            }
            Val::Tree(tree, _) => tree.get_hashed(name, hash),
            Val::Null => None,
            other => return Err(Stop::Fail(format!("`.{name}` met {}", kind_of(other)))),
        })
    }

    /// Whether a path is written in the document (a default is not).
    fn exists(&self, path: &'a CExpr) -> Result<bool> {
        match path {
            CExpr::Field {
                base,
                name,
                in_spec,
                ..
            } => {
                if !self.exists(base)? {
                    return Ok(false);
                }
                let base = self.eval(base)?;
                Ok(self
                    .lookup(&base, name, *in_spec)?
                    .is_some_and(|t| t.value != TreeValue::Null))
            }
            CExpr::Key { base, key, .. } => {
                if !self.exists(base)? {
                    return Ok(false);
                }
                let base = self.eval(base)?;
                let Val::Str(name) = self.eval(key)?.val else {
                    return Ok(false);
                };
                Ok(self.lookup(&base, &name, false)?.is_some())
            }
            _ => Ok(true),
        }
    }

    fn reference(&self, base: Located<'a>, reference: Reference) -> Result<Located<'a>> {
        let Val::Doc(i) = base.val else {
            return Err(Stop::Skip);
        };
        let project = self.world.project;
        let document = &project.documents[i].doc;
        let found = |index: Option<usize>| match index {
            Some(j) if self.view(j).is_some() => Ok(self.doc(j)),
            _ => Err(Stop::Skip),
        };
        match reference {
            Reference::Application => {
                let app = document.meta().application().ok_or(Stop::Skip)?;
                found(project.application_index(app))
            }
            Reference::ScopeType => {
                let Document::Scope(scope) = document else {
                    return Err(Stop::Skip);
                };
                let name = scope.scope_type.as_ref().ok_or(Stop::Skip)?;
                found(project.scope_type_index(&name.value))
            }
            Reference::Workloads => {
                let Document::Scope(scope) = document else {
                    return Err(Stop::Skip);
                };
                let app = scope.meta.application().ok_or(Stop::Skip)?;
                // Names that do not resolve are `unresolved-reference`; they
                // are left out here.
                Ok(Located {
                    val: Val::List(
                        scope
                            .workloads
                            .iter()
                            .filter_map(|w| project.workload_index(app, &w.value))
                            .filter(|&j| self.view(j).is_some())
                            .map(|j| self.doc(j))
                            .collect(),
                    ),
                    at: base.at,
                })
            }
        }
    }

    fn method(
        &self,
        receiver: Located<'a>,
        method: Method,
        argument: Option<Located<'a>>,
    ) -> Result<Val<'a>> {
        let text = |v: &Located<'a>| match &v.val {
            Val::Str(s) => Ok(s.clone()),
            other => Err(Stop::Fail(format!(
                "expected a string, met {}",
                kind_of(other)
            ))),
        };
        if method == Method::Size {
            return Ok(Val::Int(match &receiver.val {
                Val::Str(s) => s.chars().count() as i64,
                Val::List(items) => items.len() as i64,
                Val::Tree(tree, _) => match &tree.value {
                    TreeValue::List(items) => items.len() as i64,
                    TreeValue::Map(entries) => entries.len() as i64,
                    _ => 0,
                },
                Val::Null => 0,
                other => return Err(Stop::Fail(format!("`size()` met {}", kind_of(other)))),
            }));
        }
        let argument = argument.ok_or(Stop::Skip)?;
        if let Val::Null = receiver.val {
            return Ok(Val::Bool(false));
        }
        Ok(Val::Bool(match method {
            Method::StartsWith => text(&receiver)?.starts_with(text(&argument)?.as_ref()),
            Method::EndsWith => text(&receiver)?.ends_with(text(&argument)?.as_ref()),
            Method::Contains => match &receiver.val {
                Val::Str(s) => s.contains(text(&argument)?.as_ref()),
                _ => self.contains(&receiver, &argument)?,
            },
            Method::Matches | Method::Size => unreachable!("handled above"),
        }))
    }

    /// `x in list` / `list.contains(x)`; `key in mapping`.
    fn contains(&self, collection: &Located<'a>, item: &Located<'a>) -> Result<bool> {
        match &collection.val {
            Val::List(items) => Ok(items.iter().any(|i| equal(&i.val, &item.val))),
            Val::Tree(tree, ty) => match &tree.value {
                TreeValue::List(items) => {
                    let item_ty = match ty {
                        Ty::List(t) => t.as_ref(),
                        _ => &ANY,
                    };
                    for element in items {
                        if equal(&from_tree(element, item_ty, None)?.val, &item.val) {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                TreeValue::Map(entries) => match &item.val {
                    Val::Str(key) => Ok(entries.iter().any(|(k, _)| &*k.text == key.as_ref())),
                    _ => Ok(false),
                },
                _ => Ok(false),
            },
            Val::Null => Ok(false),
            other => Err(Stop::Fail(format!("`in` met {}", kind_of(other)))),
        }
    }

    fn binary(&self, op: BinaryOp, l: Located<'a>, r: Located<'a>) -> Result<Val<'a>> {
        Ok(match op {
            BinaryOp::Eq => Val::Bool(equal(&l.val, &r.val)),
            BinaryOp::Ne => Val::Bool(!equal(&l.val, &r.val)),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ordering = order(&l.val, &r.val)?;
                Val::Bool(ordering.is_some_and(|o| match op {
                    BinaryOp::Lt => o == Ordering::Less,
                    BinaryOp::Le => o != Ordering::Greater,
                    BinaryOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }))
            }
            BinaryOp::In => Val::Bool(self.contains(&r, &l)?),
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                arithmetic(op, l.val, r.val)?
            }
            BinaryOp::And | BinaryOp::Or => unreachable!("compiled to And/Or"),
        })
    }
}

/// A document value as the static type reads it.
fn from_tree<'a>(tree: &'a Tree, ty: &'a Ty, parent: Option<Span>) -> Result<Located<'a>> {
    let at = match (tree.span, parent) {
        (Some((s, e)), Some(p)) => Some(Span::new(p.file, s, e)),
        (_, p) => p,
    };
    let val = match (&tree.value, ty) {
        (TreeValue::Null, _) => Val::Null,
        (value, Ty::Quantity(kind)) => {
            let text = match value {
                TreeValue::Str(s) => Cow::Borrowed(s.as_str()),
                TreeValue::Int(i) => Cow::Owned(i.to_string()),
                TreeValue::Float(f) => Cow::Owned(format_number(*f)),
                _ => return Err(Stop::Skip),
            };
            // Written as a plain number, CPU is cores and memory bytes; a
            // float is its shortest decimal, so `0.1` is exactly a tenth.
            let value = match (value, kind) {
                (TreeValue::Int(i), QuantityKind::Cpu | QuantityKind::Memory) => {
                    Some(Quantity::from_int(*i))
                }
                (TreeValue::Float(f), QuantityKind::Cpu | QuantityKind::Memory) => {
                    Quantity::from_f64(*f)
                }
                _ => quantity_value(&text, *kind),
            };
            // Unparsable quantities are `invalid-quantity`'s findings.
            Val::Qty(*kind, value.ok_or(Stop::Skip)?, text)
        }
        (TreeValue::Bool(b), _) => Val::Bool(*b),
        (TreeValue::Int(i), Ty::Number) => Val::Num(*i as f64),
        (TreeValue::Int(i), _) => Val::Int(*i),
        (TreeValue::Float(f), _) => Val::Num(*f),
        (TreeValue::Str(s), _) => Val::Str(Cow::Borrowed(s)),
        (TreeValue::List(_) | TreeValue::Map(_), _) => Val::Tree(tree, ty),
    };
    Ok(Located { val, at })
}

fn truth(value: &Located) -> Result<bool> {
    match value.val {
        Val::Bool(b) => Ok(b),
        // A value the schema leaves open, read as a condition.
        Val::Null => Ok(false),
        ref other => Err(Stop::Fail(format!("a condition met {}", kind_of(other)))),
    }
}

fn overflow() -> Stop {
    Stop::Fail("an integer overflowed".into())
}

fn kind_of(val: &Val) -> &'static str {
    match val {
        Val::Null => "null",
        Val::Bool(_) => "a boolean",
        Val::Int(_) => "an integer",
        Val::Num(_) => "a number",
        Val::Str(_) => "a string",
        Val::Qty(..) => "a quantity",
        Val::List(_) => "a list",
        Val::Tree(tree, _) => match tree.value {
            TreeValue::List(_) => "a list",
            _ => "a mapping",
        },
        Val::Doc(_) => "a document",
    }
}

fn as_number(val: &Val) -> Option<f64> {
    match val {
        Val::Int(i) => Some(*i as f64),
        Val::Num(n) => Some(*n),
        _ => None,
    }
}

/// A number or a CPU or memory quantity, exactly, for arithmetic and
/// comparisons with a quantity: a float is its shortest decimal.
fn as_decimal(val: &Val) -> Option<Quantity> {
    match val {
        Val::Int(i) => Some(Quantity::from_int(*i)),
        Val::Num(n) => Quantity::from_f64(*n),
        Val::Qty(QuantityKind::Cpu | QuantityKind::Memory, v, _) => Some(*v),
        _ => None,
    }
}

/// Two values of which one is a quantity, as exact decimals.
fn decimals(a: &Val, b: &Val) -> Option<(Quantity, Quantity)> {
    if !matches!(a, Val::Qty(..)) && !matches!(b, Val::Qty(..)) {
        return None;
    }
    Some((as_decimal(a)?, as_decimal(b)?))
}

fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Null, _) | (_, Val::Null) => false,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(x), Val::Int(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Qty(k, x, _), Val::Qty(l, y, _)) => k == l && x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(&a.val, &b.val))
        }
        (Val::Tree(x, _), Val::Tree(y, _)) => same_tree(x, y),
        (Val::Doc(x), Val::Doc(y)) => x == y,
        _ => match (decimals(a, b), as_number(a), as_number(b)) {
            (Some((x, y)), _, _) => x == y,
            (None, Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

fn same_tree(a: &Tree, b: &Tree) -> bool {
    match (&a.value, &b.value) {
        (TreeValue::List(x), TreeValue::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_tree(a, b))
        }
        (TreeValue::Map(x), TreeValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(l, w)| k.text == l.text && same_tree(v, w)))
        }
        (x, y) => x == y,
    }
}

/// `None`: one side is null (an ordering with null is false).
fn order(a: &Val, b: &Val) -> Result<Option<Ordering>> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => Ok(None),
        (Val::Int(x), Val::Int(y)) => Ok(Some(x.cmp(y))),
        (Val::Qty(k, x, _), Val::Qty(l, y, _)) if k == l => Ok(Some(x.cmp(y))),
        _ => match (decimals(a, b), as_number(a), as_number(b)) {
            (Some((x, y)), _, _) => Ok(Some(x.cmp(&y))),
            (None, Some(x), Some(y)) => Ok(x.partial_cmp(&y)),
            _ => Err(Stop::Fail(format!(
                "cannot order {} and {}",
                kind_of(a),
                kind_of(b)
            ))),
        },
    }
}

fn arithmetic<'a>(op: BinaryOp, l: Val<'a>, r: Val<'a>) -> Result<Val<'a>> {
    let zero = |n: f64| {
        if n == 0.0 {
            Err(Stop::Fail("division by zero".into()))
        } else {
            Ok(n)
        }
    };
    Ok(match (op, l, r) {
        (BinaryOp::Add, Val::Str(a), Val::Str(b)) => Val::Str(Cow::Owned(format!("{a}{b}"))),
        (BinaryOp::Div, Val::Int(a), Val::Int(b)) => Val::Num(a as f64 / zero(b as f64)?),
        (op, Val::Int(a), Val::Int(b)) => Val::Int(
            match op {
                BinaryOp::Add => a.checked_add(b),
                BinaryOp::Sub => a.checked_sub(b),
                _ => a.checked_mul(b),
            }
            .ok_or_else(overflow)?,
        ),
        (op, Val::Qty(k, a, _), Val::Qty(_, b, _)) => match op {
            BinaryOp::Add => quantity(k, a.checked_add(b))?,
            BinaryOp::Sub => quantity(k, a.checked_sub(b))?,
            // A ratio of two quantities is a plain number.
            _ => Val::Num(divide(a, b)?.to_f64()),
        },
        (op, Val::Qty(k, a, _), n) => {
            let n = as_decimal(&n).ok_or(Stop::Skip)?;
            match op {
                BinaryOp::Mul => quantity(k, a.checked_mul(n))?,
                _ => quantity(k, Ok(divide(a, n)?))?,
            }
        }
        (_, n, Val::Qty(k, a, _)) => quantity(k, a.checked_mul(as_decimal(&n).ok_or(Stop::Skip)?))?,
        (op, a, b) => {
            let (Some(x), Some(y)) = (as_number(&a), as_number(&b)) else {
                return Err(Stop::Fail(format!(
                    "`{}` met {} and {}",
                    op.symbol(),
                    kind_of(&a),
                    kind_of(&b)
                )));
            };
            Val::Num(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                _ => x / zero(y)?,
            })
        }
    })
}

/// `a ÷ b` for quantities: exact when the quotient has at most 38
/// significant digits, else rounded there (a third has no exact decimal).
fn divide(a: Quantity, b: Quantity) -> Result<Quantity> {
    a.div_rounded(b)
        .ok_or_else(|| Stop::Fail("division by zero".into()))?
        .map_err(out_of_range)
}

fn out_of_range(e: RangeError) -> Stop {
    Stop::Fail(format!("a quantity is out of range: {e}"))
}

/// A computed quantity, shown in the unit people write it in.
fn quantity<'a>(
    kind: QuantityKind,
    value: std::result::Result<Quantity, RangeError>,
) -> Result<Val<'a>> {
    use landfall_model::quantity::{format_bytes, format_millicores};
    let value = value.map_err(out_of_range)?;
    let text = match kind {
        QuantityKind::Cpu => format_millicores(value),
        QuantityKind::Memory => format_bytes(value),
        QuantityKind::Duration => format!("{value}ms"),
    };
    Ok(Val::Qty(kind, value, Cow::Owned(text)))
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn show_tree(tree: &Tree, out: &mut String) {
    match &tree.value {
        TreeValue::Null => out.push_str("null"),
        TreeValue::Bool(b) => out.push_str(&b.to_string()),
        TreeValue::Int(i) => out.push_str(&i.to_string()),
        TreeValue::Float(f) => out.push_str(&format_number(*f)),
        TreeValue::Str(s) => out.push_str(s),
        TreeValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                show_tree(item, out);
            }
            out.push(']');
        }
        TreeValue::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&k.text);
                out.push_str(": ");
                show_tree(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    //! The evaluator over small projects: comparisons, quantities, missing
    //! fields, boolean logic and rules that cannot be evaluated, each by the
    //! findings it gives.

    use landfall_diagnostics::{Diagnostic, Severity, SourceDb};
    use landfall_model::Envelope;
    use landfall_yaml::Limits;

    use crate::{PolicySet, PolicySource};

    /// A finding as the tests compare it: rule, severity, line:column of
    /// its span in the specs, message.
    type Found = (String, Severity, String, String);

    /// Compiles `policy` (which must type-check), reads `specs` (valid
    /// landfall documents) as the pipeline does, and evaluates.
    fn diagnostics(policy: &str, specs: &str) -> (SourceDb, Vec<Diagnostic>) {
        let mut db = SourceDb::new();
        let policy_file = db.add("acme.policy", policy);
        let (set, problems) = PolicySet::compile(
            &[PolicySource {
                file: policy_file,
                text: policy,
            }],
            &[],
        );
        let problems: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(problems, Vec::<&str>::new());
        let file = db.add("specs.yaml", specs);
        let parsed = landfall_yaml::parse(file, specs, &Limits::default());
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let mut documents = Vec::new();
        let mut views = Vec::new();
        for document in &parsed.documents {
            let Envelope::Landfall(kind) = landfall_model::classify(file, &document.root) else {
                panic!("not a landfall document: {:?}", document.root);
            };
            let (loaded, _) =
                landfall_model::build(file, specs, document.index, kind, &document.root, true);
            views.push(set.view(kind, &document.root));
            documents.push(loaded);
        }
        let (project, _) = landfall_model::resolve(documents);
        let found = set.evaluate(&project, &views);
        (db, found)
    }

    /// The findings, sorted by place then rule.
    fn evaluate(policy: &str, specs: &str) -> Vec<Found> {
        let (db, found) = diagnostics(policy, specs);
        let mut found: Vec<Found> = found
            .into_iter()
            .map(|d| {
                let (start, _) = db.range(d.span);
                (
                    d.rule.to_string(),
                    d.severity,
                    format!("{}:{}", start.line, start.column),
                    d.message,
                )
            })
            .collect();
        found.sort_by(|a, b| (&a.2, &a.0).cmp(&(&b.2, &b.0)));
        found
    }

    /// The messages of the findings, in order.
    fn messages(policy: &str, specs: &str) -> Vec<String> {
        evaluate(policy, specs)
            .into_iter()
            .map(|(_, _, _, message)| message)
            .collect()
    }

    const APP: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n";

    /// The application and one workload `name` with `spec` (YAML lines
    /// indented by two spaces).
    fn workload(name: &str, spec: &str) -> String {
        format!(
            "{APP}---\napiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {{name: {name}, application: shop}}\nspec:\n{spec}"
        )
    }

    fn container(extra: &str) -> String {
        format!("  containers:\n    - name: main\n      image: \"nginx:1.27\"\n{extra}")
    }

    #[test]
    fn a_require_reports_where_at_points_with_the_rule_s_severity() {
        let policy = "rule two: warning\n  require workload.scaling.minScale >= 2\n  at workload.scaling.minScale\n";
        let specs = workload(
            "api",
            &format!(
                "  type: standard\n  scaling: {{minScale: 1}}\n{}",
                container("")
            ),
        );
        assert_eq!(
            evaluate(policy, &specs),
            [(
                "policy/two".to_string(),
                Severity::Warning,
                "11:23".to_string(),
                "`workload.scaling.minScale >= 2` does not hold".to_string()
            )]
        );
        let specs = specs.replace("minScale: 1", "minScale: 2");
        assert_eq!(evaluate(policy, &specs), []);
    }

    #[test]
    fn comparisons_of_numbers_strings_and_lists() {
        let specs = workload(
            "api",
            &format!(
                "  type: standard\n  scaling: {{minScale: 2, maxScale: 4}}\n{}",
                container("")
            ),
        );
        // Once per Workload, and once per container of it.
        let holds = |condition: &str| {
            let policy = format!("rule c: error\n  deny {condition}\n");
            !messages(&policy, &specs).is_empty()
        };
        let holds_for_container = |condition: &str| {
            let policy = format!(
                "rule c: error\n  for container in workload.containers\n  deny {condition}\n"
            );
            !messages(&policy, &specs).is_empty()
        };
        assert!(holds(
            "workload.scaling.minScale < workload.scaling.maxScale"
        ));
        assert!(holds("workload.scaling.maxScale == 4"));
        assert!(holds("workload.scaling.maxScale != 3"));
        assert!(!holds("workload.scaling.maxScale > 4"));
        assert!(holds("workload.scaling.maxScale >= 4"));
        assert!(holds(
            "workload.scaling.minScale * 2 == workload.scaling.maxScale"
        ));
        assert!(holds("workload.scaling.maxScale / 8 == 0.5"));
        assert!(holds("workload.type == \"standard\""));
        assert!(!holds("workload.type != \"standard\""));
        assert!(holds("workload.type in [\"standard\", \"serverless\"]"));
        assert!(!holds("workload.type in [\"cron\"]"));
        assert!(holds("workload.metadata.name + \"-x\" == \"api-x\""));
        assert!(holds("workload.containers.size() == 1"));
        assert!(holds_for_container(
            "container.image.startsWith(\"nginx:\")"
        ));
        assert!(holds_for_container(
            "container.image.matches('^nginx:[0-9.]+$')"
        ));
        assert!(!holds_for_container(
            "container.image.endsWith(\":latest\")"
        ));
    }

    #[test]
    fn quantities_compare_by_value_within_their_kind() {
        let specs = workload(
            "api",
            &format!(
                "  type: standard\n  timeout: 90s\n{}",
                container("      resources: {cpu: \"0.5\", memory: 512Mi}\n")
            ),
        );
        let holds = |condition: &str| {
            let policy = format!(
                "rule q: error\n  for container in workload.containers\n  deny {condition}\n"
            );
            !messages(&policy, &specs).is_empty()
        };
        assert!(holds("container.resources.memory == 536870912"));
        assert!(holds("container.resources.memory == 512Mi"));
        assert!(holds("container.resources.memory < 1G"));
        assert!(!holds("container.resources.memory > 512Mi"));
        // CPU in cores and millicores; `m` is millicores beside a CPU.
        assert!(holds("container.resources.cpu == 500m"));
        assert!(holds(
            "container.resources.cpu > 250m and container.resources.cpu < 1"
        ));
        assert!(holds("container.resources.cpu * 2 == 1"));
        assert!(holds("container.resources.memory / 256Mi == 2"));
        // Durations: 90s is 1m30s.
        let timeout = |condition: &str| {
            let policy =
                format!("rule t: error\n  deny exists(workload.timeout) and {condition}\n");
            !messages(&policy, &specs).is_empty()
        };
        assert!(timeout("workload.timeout == 1m30s"));
        assert!(timeout("workload.timeout > 1m"));
        assert!(!timeout("workload.timeout > 2m"));
    }

    /// Quantities are exact decimals: values floating point gets wrong by
    /// a hair compare equal.
    #[test]
    fn quantities_are_exact() {
        let specs = workload(
            "api",
            &format!(
                "  type: standard\n  timeout: 1100ms\n{}",
                container("      resources: {cpu: 0.1, memory: 16001000000}\n")
            ),
        );
        let holds = |condition: &str| {
            let policy = format!(
                "rule q: error\n  for container in workload.containers\n  deny {condition}\n"
            );
            !messages(&policy, &specs).is_empty()
        };
        assert!(holds("container.resources.memory == 16.001G"));
        assert!(!holds("container.resources.memory < 16.001G"));
        assert!(holds("container.resources.memory - 1G == 15.001G"));
        assert!(holds("container.resources.cpu + 200m == 300m"));
        assert!(holds("container.resources.cpu == 0.1"));
        assert!(holds("container.resources.cpu * 3 == 0.3"));
        assert!(holds("container.resources.cpu * 0.3 == 30m"));
        assert!(holds("container.resources.memory / 3 * 3 > 16000999999"));
        let timeout = |condition: &str| {
            let policy =
                format!("rule t: error\n  deny exists(workload.timeout) and {condition}\n");
            !messages(&policy, &specs).is_empty()
        };
        assert!(timeout("workload.timeout == 1.1s"));
        assert!(timeout("workload.timeout == 0.1s + 1s"));
    }

    #[test]
    fn a_message_shows_values_as_written() {
        let policy = "rule mem: error\n  for container in workload.containers\n  require container.resources.memory <= 256Mi\n  message \"{workload.metadata.name}/{container.name} asks for {container.resources.memory}\"\n";
        let specs = workload(
            "api",
            &format!(
                "  type: standard\n{}",
                container("      resources: {memory: 1Gi}\n")
            ),
        );
        assert_eq!(messages(policy, &specs), ["api/main asks for 1Gi"]);
    }

    #[test]
    fn missing_fields_read_as_defaults_empty_or_null() {
        // No `scaling`, no `resources`, no labels, no env.
        let specs = workload("api", &format!("  type: standard\n{}", container("")));
        // Once per Workload, and once per container of it.
        let holds = |condition: &str| {
            let policy = format!("rule m: error\n  deny {condition}\n");
            !messages(&policy, &specs).is_empty()
        };
        let holds_for_container = |condition: &str| {
            let policy = format!(
                "rule m: error\n  for container in workload.containers\n  deny {condition}\n"
            );
            !messages(&policy, &specs).is_empty()
        };
        assert!(holds("workload.scaling.minScale == 1"));
        assert!(holds_for_container("container.resources.memory == 128Mi"));
        assert!(holds_for_container("container.resources.cpu == 50m"));
        assert!(holds_for_container("container.env.size() == 0"));
        assert!(holds("workload.metadata.labels.team == null"));
        assert!(!holds("workload.metadata.labels.team != null"));
        // An ordering with null is false both ways.
        assert!(!holds("workload.scaling.minScale < null"));
        assert!(!holds("workload.scaling.minScale >= null"));
        // A default is not written: `exists` is false.
        assert!(!holds("exists(workload.scaling.minScale)"));
        assert!(!holds("exists(workload.timeout)"));
        assert!(holds("not exists(workload.timeout)"));
    }

    #[test]
    fn a_finding_at_an_unwritten_default_says_so() {
        let policy = "rule two: error\n  require workload.scaling.minScale >= 2\n  at workload.scaling.minScale\n";
        let specs = workload("api", &format!("  type: standard\n{}", container("")));
        let (db, found) = diagnostics(policy, &specs);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "`workload.scaling.minScale >= 2` does not hold"
        );
        assert_eq!(
            found[0].notes,
            ["the value is not written: it is the spec's default"]
        );
        // Nothing of `scaling` is written: the finding points at the
        // document, by its name.
        let (start, _) = db.range(found[0].span);
        assert_eq!((start.line, start.column), (8, 18));
    }

    #[test]
    fn boolean_logic() {
        let specs = workload("api", &format!("  type: standard\n{}", container("")));
        let holds = |condition: &str| {
            let policy = format!("rule b: error\n  deny {condition}\n");
            !messages(&policy, &specs).is_empty()
        };
        let (t, f) = ("workload.type == \"standard\"", "workload.type == \"cron\"");
        assert!(holds(&format!("{t} and {t}")));
        assert!(!holds(&format!("{t} and {f}")));
        assert!(!holds(&format!("{f} and {t}")));
        assert!(holds(&format!("{f} or {t}")));
        assert!(holds(&format!("{t} or {f}")));
        assert!(!holds(&format!("{f} or {f}")));
        assert!(holds(&format!("not ({f})")));
        assert!(!holds(&format!("not ({t})")));
        assert!(holds(&format!("not ({f} and {t}) and ({f} or {t})")));
        // `and` does not read its right side when the left is false: the
        // guard keeps the absent field from being read.
        assert!(!holds("exists(workload.timeout) and workload.timeout > 1s"));
        assert!(holds(
            "not exists(workload.timeout) or workload.timeout > 1s"
        ));
    }

    #[test]
    fn a_rule_runs_once_per_element_and_where_filters() {
        let specs = format!(
            "{}---\napiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {{name: worker, application: shop}}\nspec:\n  type: standard\n  scaling: {{minScale: 3, maxScale: 3}}\n{}",
            workload("api", &format!("  type: standard\n{}", container(""))),
            container("")
        );
        let policy = "rule one: info\n  for w in workloads where w.scaling.minScale == 1\n  deny true\n  message \"{w.metadata.name} runs one replica\"\n";
        let found = evaluate(policy, &specs);
        assert_eq!(
            found
                .iter()
                .map(|f| (f.1, f.3.as_str()))
                .collect::<Vec<_>>(),
            [(Severity::Info, "api runs one replica")]
        );
    }

    #[test]
    fn a_division_by_zero_is_a_finding_of_the_rule() {
        let policy = "rule ratio: error\n  require workload.scaling.maxScale / (workload.scaling.minScale - 1) > 1\n";
        let specs = workload("api", &format!("  type: standard\n{}", container("")));
        assert_eq!(
            messages(policy, &specs),
            ["rule `ratio` could not be evaluated: division by zero"]
        );
    }
}

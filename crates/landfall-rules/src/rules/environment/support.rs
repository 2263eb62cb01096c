//! Helpers shared by the environment and volume rules: the Workloads of a
//! project, the variables of an Application
//! looked up by name, and what a `${NAME}` is bound to.

use landfall_diagnostics::{Diagnostic, Span};
use landfall_model::{Application, Spanned, Variable, VariableSource, Workload};
use std::collections::HashMap;

use crate::context::Context;
use crate::reads::Reads;

/// Adds a secondary label on a platform setting when it was written in a
/// Platform document.
pub fn setting_label(d: Diagnostic, span: Option<Span>, message: &str) -> Diagnostic {
    match span {
        Some(span) => d.with_label(span, message),
        None => d,
    }
}

/// The Workload documents a rule that reads `reads` judges, in document
/// order, each with its Application (`None` when there is none). A
/// workload whose Application has a fault in what the rule reads of it is
/// left out: its variables are not known.
pub fn judged_workloads<'a>(
    ctx: &Context<'a>,
    reads: Reads,
) -> impl Iterator<Item = (&'a Workload, Option<&'a Application>)> {
    ctx.judged_documents(reads).filter_map(move |d| {
        let workload = d.doc.as_workload()?;
        let app = match workload.meta.application() {
            Some(name) if ctx.project.application(name).is_some() => {
                Some(ctx.judged_application(reads, name)?)
            }
            _ => None,
        };
        Some((workload, app))
    })
}

/// What a `${NAME}` in a workload stands for.
#[derive(Clone, Copy, Debug)]
pub enum Binding<'a> {
    /// A variable with a literal `value`.
    Value(&'a Variable, &'a Spanned<String>),
    /// A variable bound to a secret.
    Secret,
    /// No such variable, a variable of neither form, or no Application to
    /// look in: `unresolved-reference` and `schema` report those.
    Unknown,
}

/// The variables of every Application the checked Workloads name, indexed
/// by name on first use, so that a lookup is a hash lookup however many
/// variables an Application has.
#[derive(Default)]
pub struct Variables<'a> {
    by_app: HashMap<&'a str, HashMap<&'a str, &'a Variable>>,
}

impl<'a> Variables<'a> {
    /// The binding of `name` in `app` (`None`: the workload's Application
    /// is not among the checked files).
    pub fn binding(&mut self, app: Option<&'a Application>, name: &str) -> Binding<'a> {
        let Some(app) = app else {
            return Binding::Unknown;
        };
        let app_name = app.meta.name().unwrap_or_default();
        let index = self.by_app.entry(app_name).or_insert_with(|| {
            let mut index = HashMap::with_capacity(app.variables.len());
            for v in &app.variables {
                // The first definition wins, as everywhere else.
                index.entry(v.name.value.as_str()).or_insert(v);
            }
            index
        });
        match index.get(name) {
            Some(v) => match &v.source {
                Some(VariableSource::Value(value)) => Binding::Value(v, value),
                Some(VariableSource::Secret(_)) => Binding::Secret,
                None => Binding::Unknown,
            },
            None => Binding::Unknown,
        }
    }
}

/// How many times the `${NAME}` scanner of `landfall_model` meets the
/// `$${` escape in `text` (each stands for a literal `${`, one character
/// shorter). Mirrors `variable_references`: `text` must be a stretch between
/// two references (or a whole value), where no reference starts.
pub fn escapes(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"$${") {
            count += 1;
            i += 3;
        } else if bytes[i..].starts_with(b"${") {
            i += 2;
        } else {
            i += 1;
        }
    }
    count
}

/// The length in characters of a value that holds no `${NAME}`, as the
/// container sees it (each `$${` becomes `${`).
pub fn literal_length(text: &str) -> usize {
    text.chars().count() - escapes(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_shorten_the_value() {
        assert_eq!(escapes("$${A}"), 1);
        assert_eq!(escapes("$$${A}"), 1);
        assert_eq!(escapes("${ $${"), 1);
        assert_eq!(literal_length("$${A}"), 4);
        assert_eq!(literal_length("héllo"), 5);
    }
}

//! `${NAME}` substitution with the Application's variables, by the same
//! grammar as `landfall_model::variable_references`: `NAME` is
//! `[A-Za-z_][A-Za-z0-9_]*`, `$${` is a literal `${`, and a `${` that does
//! not close a name is literal text.

use std::collections::HashMap;

use landfall_model::{Application, Variable, VariableSource, variable_references};

/// What a `${NAME}` stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding<'a> {
    Value(&'a str),
    /// The secret's reference, such as `shop-db/password`.
    Secret(&'a str),
}

/// The Application's variables by name (the first of a duplicated name, as
/// everywhere else).
pub struct Variables<'a> {
    by_name: HashMap<&'a str, &'a Variable>,
}

impl<'a> Variables<'a> {
    pub fn new(application: Option<&'a Application>) -> Self {
        let mut by_name = HashMap::new();
        for variable in application.into_iter().flat_map(|a| &a.variables) {
            by_name
                .entry(variable.name.value.as_str())
                .or_insert(variable);
        }
        Variables { by_name }
    }

    pub fn get(&self, name: &str) -> Option<&'a Variable> {
        self.by_name.get(name).copied()
    }

    /// The binding of `name`; `None` for a name that is no variable or a
    /// variable without a readable value (check reports both).
    pub fn binding(&self, name: &str) -> Option<Binding<'a>> {
        match self.get(name)?.source.as_ref()? {
            VariableSource::Value(v) => Some(Binding::Value(&v.value)),
            VariableSource::Secret(s) => Some(Binding::Secret(&s.value)),
        }
    }
}

/// The result of substituting one string.
#[derive(Debug, PartialEq, Eq)]
pub struct Substituted<'a> {
    pub text: String,
    /// Secret variables met, in order: their values cannot be substituted,
    /// each stays as written in `text` and is for the caller to report.
    pub secrets: Vec<&'a str>,
}

/// Replaces every `${NAME}` bound to a plain variable by its value and
/// every `$${` by `${`. A name that is no variable stays as written.
pub fn substitute<'t>(text: &'t str, variables: &Variables<'_>) -> Substituted<'t> {
    let mut secrets = Vec::new();
    // Most values hold no `$` at all: nothing to scan.
    if !text.contains('$') {
        return Substituted {
            text: text.to_string(),
            secrets,
        };
    }
    let mut out = String::with_capacity(text.len());
    // Between references only `$${` escapes remain: the scan that finds
    // references reads them the same way.
    let mut copied = 0;
    for reference in variable_references(text) {
        push_unescaped(&mut out, &text[copied..reference.start]);
        match variables.binding(reference.name) {
            Some(Binding::Value(value)) => out.push_str(value),
            binding => {
                if let Some(Binding::Secret(_)) = binding {
                    secrets.push(reference.name);
                }
                out.push_str(&text[reference.start..reference.end]);
            }
        }
        copied = reference.end;
    }
    push_unescaped(&mut out, &text[copied..]);
    Substituted { text: out, secrets }
}

/// Appends `text` with every `$${` read as `${`.
fn push_unescaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find("$${") {
        out.push_str(&rest[..at + 1]);
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
}

/// The secret reference when `text` is exactly one `${NAME}` bound to a
/// secret variable.
pub fn whole_secret<'v>(text: &str, variables: &Variables<'v>) -> Option<&'v str> {
    let name = text.strip_prefix("${")?.strip_suffix('}')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    let is_name = (first == '_' || first.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    match variables.binding(name) {
        Some(Binding::Secret(reference)) if is_name => Some(reference),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use landfall_diagnostics::{FileId, Span};
    use landfall_model::Spanned;

    fn app(vars: &[(&str, Option<&str>, Option<&str>)]) -> Application {
        let span = Span::new(FileId(0), 0, 0);
        let s = |t: &str| Spanned::new(t.to_string(), span);
        Application {
            meta: landfall_model::Metadata {
                name: Some(s("shop")),
                application: None,
                labels: vec![],
                annotations: vec![],
                kind_span: span,
            },
            version: Some(s("1.0.0")),
            description: None,
            variables: vars
                .iter()
                .map(|(name, value, secret)| Variable {
                    name: s(name),
                    source: match (value, secret) {
                        (Some(v), _) => Some(VariableSource::Value(s(v))),
                        (None, Some(r)) => Some(VariableSource::Secret(s(r))),
                        (None, None) => None,
                    },
                    span,
                })
                .collect(),
            configs: vec![],
            on_variable_change: None,
            upgrade_from: vec![],
        }
    }

    #[test]
    fn plain_variables_are_substituted_and_escapes_unescaped() {
        let app = app(&[
            ("LEVEL", Some("info"), None),
            ("EMPTY", Some(""), None),
            ("DB_PASSWORD", None, Some("shop-db/password")),
        ]);
        let vars = Variables::new(Some(&app));
        let text = |t: &str| substitute(t, &vars).text;
        assert_eq!(text("${LEVEL}"), "info");
        assert_eq!(text("level=${LEVEL}, ${LEVEL}!"), "level=info, info!");
        assert_eq!(text("[${EMPTY}]"), "[]");
        assert_eq!(text("$${LEVEL} ${LEVEL}"), "${LEVEL} info");
        assert_eq!(text("$$${LEVEL}"), "$${LEVEL}");
        assert_eq!(
            text("${UNKNOWN} ${} ${1A} ${LEVEL"),
            "${UNKNOWN} ${} ${1A} ${LEVEL"
        );
        assert_eq!(text("é${LEVEL}ü"), "éinfoü");
        let s = substitute("postgres://u:${DB_PASSWORD}@db/${LEVEL}", &vars);
        assert_eq!(s.text, "postgres://u:${DB_PASSWORD}@db/info");
        assert_eq!(s.secrets, ["DB_PASSWORD"]);
    }

    #[test]
    fn only_a_whole_value_is_a_secret_reference() {
        let app = app(&[
            ("LEVEL", Some("info"), None),
            ("DB_PASSWORD", None, Some("shop-db/password")),
        ]);
        let vars = Variables::new(Some(&app));
        assert_eq!(
            whole_secret("${DB_PASSWORD}", &vars),
            Some("shop-db/password")
        );
        assert_eq!(whole_secret("${LEVEL}", &vars), None);
        assert_eq!(whole_secret("x${DB_PASSWORD}", &vars), None);
        assert_eq!(whole_secret("${DB_PASSWORD}${DB_PASSWORD}", &vars), None);
        assert_eq!(whole_secret("$${DB_PASSWORD}", &vars), None);
    }
}

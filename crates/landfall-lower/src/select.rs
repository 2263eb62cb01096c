//! Which Scope to plan (`APP/SCOPE`), and which check findings stop it.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use landfall_diagnostics::{Diagnostic, FileId, did_you_mean};
use landfall_model::{Project, Scope};

/// `APP/SCOPE`: a Scope of an Application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeSelector {
    pub application: String,
    pub scope: String,
}

impl ScopeSelector {
    /// Reads `APP/SCOPE`; the error is a sentence for the command line.
    pub fn parse(text: &str) -> Result<ScopeSelector, String> {
        match text.split_once('/') {
            Some((app, scope)) if !app.is_empty() && !scope.is_empty() && !scope.contains('/') => {
                Ok(ScopeSelector {
                    application: app.to_string(),
                    scope: scope.to_string(),
                })
            }
            _ => Err(format!(
                "`{text}` is not a scope: expected APPLICATION/SCOPE, such as `shop/production`"
            )),
        }
    }
}

impl fmt::Display for ScopeSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.application, self.scope)
    }
}

/// The Scope `selector` names, or a sentence saying why there is none,
/// with a did-you-mean and the names there are.
pub fn select<'p>(project: &'p Project, selector: &ScopeSelector) -> Result<&'p Scope, String> {
    let app = selector.application.as_str();
    if let Some(scope) = project.scope(app, &selector.scope) {
        return Ok(scope);
    }
    // An application is known by its Application document or by the
    // Scopes and Workloads that name it.
    let mut applications: Vec<&str> = project
        .applications()
        .filter_map(|a| a.meta.name())
        .chain(project.scopes().filter_map(|s| s.meta.application()))
        .collect();
    applications.sort_unstable();
    applications.dedup();
    if !applications.contains(&app) {
        let hint = did_you_mean(app, applications.iter().copied())
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        let known = if applications.is_empty() {
            "no application is defined in the files read".to_string()
        } else {
            format!("applications: {}", applications.join(", "))
        };
        return Err(format!("no application `{app}`{hint} ({known})"));
    }
    let mut scopes: Vec<&str> = project
        .scopes_of(app)
        .filter_map(|s| s.meta.name())
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    let hint = did_you_mean(&selector.scope, scopes.iter().copied())
        .map(|c| format!("; did you mean `{app}/{c}`?"))
        .unwrap_or_default();
    let known = if scopes.is_empty() {
        format!("application `{app}` has no Scope")
    } else {
        format!("scopes of `{app}`: {}", scopes.join(", "))
    };
    Err(format!(
        "no scope `{}` in application `{app}`{hint} ({known})",
        selector.scope
    ))
}

/// The files whose findings concern the plan of `scope`: those holding a
/// document the plan reads (the Application, the Scope, its ScopeType and
/// its Workloads) or a Platform.
pub fn plan_files(project: &Project, scope: &Scope) -> BTreeSet<FileId> {
    let mut files = BTreeSet::new();
    files.insert(scope.meta.kind_span.file);
    if let Some(app) = project.application_of(&scope.meta) {
        files.insert(app.meta.kind_span.file);
    }
    if let Some(scope_type) = project.scope_type_of(scope) {
        files.insert(scope_type.meta.kind_span.file);
    }
    if let Some(app) = scope.meta.application() {
        for entry in &scope.workloads {
            if let Some(workload) = project.workload(app, &entry.value) {
                files.insert(workload.meta.kind_span.file);
            }
        }
    }
    for platform in project.platforms() {
        files.insert(platform.meta.kind_span.file);
    }
    files
}

/// The check findings that concern the plan of `scope`, in their order:
/// those in [`plan_files`], and those in files that yielded no document
/// (a file that could not be read might have held one the plan needs).
/// An error among them stops the plan; findings about other applications
/// do not.
pub fn plan_diagnostics<'d>(
    project: &Project,
    scope: &Scope,
    diagnostics: &'d [Diagnostic],
) -> Vec<&'d Diagnostic> {
    let files = plan_files(project, scope);
    let with_documents: HashSet<FileId> = project.documents.iter().map(|d| d.file).collect();
    diagnostics
        .iter()
        .filter(|d| files.contains(&d.span.file) || !with_documents.contains(&d.span.file))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_need_both_names() {
        let s = ScopeSelector::parse("shop/local").unwrap();
        assert_eq!(
            (s.application.as_str(), s.scope.as_str()),
            ("shop", "local")
        );
        assert_eq!(s.to_string(), "shop/local");
        for bad in ["shop", "/local", "shop/", "a/b/c", ""] {
            let err = ScopeSelector::parse(bad).unwrap_err();
            assert!(err.contains("expected APPLICATION/SCOPE"), "{bad}: {err}");
        }
    }
}

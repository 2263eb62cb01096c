//! Templated files: a Helm or gomplate template (`{{ … }}`) is not YAML
//! until it is rendered, so it gets one finding and nothing else, never a
//! cascade of syntax errors.

use landfall_diagnostics::{Diagnostic, FileId, RuleMeta, Severity, Span};

pub static TEMPLATED_FILE: RuleMeta = RuleMeta {
    id: "templated-file",
    severity: Severity::Info,
    summary: "a file of a platform's format that holds template syntax (`{{ … }}`) and is not checked until rendered",
    docs: r#"## What it checks
Whether a file read as a platform's own format (`cpln`, `oam`, `avassa`:
named with `--dialect` or a `[dialects]` glob, or recognised by its
`apiVersion`) holds template syntax: a `{{` and a `}}` on one line, as
Helm and gomplate write them. Such a file gets this one finding, on the
first template expression, and no other: it is not YAML until rendered.
landfall's own documents (`apiVersion: landfall.dev/v1`) are never
templates; there `{{` is text like any other.

## Why
Most of the Control Plane material people keep is Helm charts: Control
Plane's own examples and its template catalogue render their workloads
with `{{ .Values.… }}`, and OAM charts do the same. Read as YAML, a line
such as `{{- if .Values.enabled }}` is a syntax error, and reporting it
would bury the file in findings that say nothing about the deployment.
Render the chart and check the output, which keeps every span:

    helm template my-release ./chart | landfall check --dialect cpln -

## Example
```yaml fail
kind: workload
name: {{ .Values.name }}
spec:
  type: standard
```

```yaml pass
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 8080, protocol: http}
```
"#,
};

/// The first template expression of `text` (`{{` … `}}` on one line), as
/// byte offsets.
pub fn is_templated(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(open) = line.find("{{")
            && let Some(close) = line[open..].find("}}")
        {
            return Some((offset + open, offset + open + close + 2));
        }
        offset += line.len();
    }
    None
}

/// The one finding of a templated file.
pub(crate) fn finding(file: FileId, dialect: &str, at: (usize, usize)) -> Diagnostic {
    Diagnostic::new(
        &TEMPLATED_FILE,
        Span::new(file, at.0 as u32, at.1 as u32),
        "this file holds template syntax and is not checked until it is rendered",
    )
    .with_span_label("template expression")
    .with_help(format!(
        "render it and check the output: `helm template … | landfall check --dialect {dialect} -`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_expression_is_found_on_its_line() {
        let text = "kind: workload\nname: {{ .Values.name }}\n";
        assert_eq!(is_templated(text), Some((21, 39)));
        assert_eq!(&text[21..39], "{{ .Values.name }}");
        // Braces on different lines are not a template expression.
        assert_eq!(is_templated("a: '{{'\nb: '}}'\n"), None);
        assert_eq!(is_templated("a: ${VAR}\n"), None);
    }
}

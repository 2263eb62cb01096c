//! `.policy` text ─► [`PolicyFile`], with `policy-syntax` diagnostics worded
//! for users: what was expected ("`require` or `deny`", "a rule id"), what
//! was found, and a did-you-mean for a misspelled keyword. pest's own rule
//! names never reach a message.
//!
//! A syntax error ends its rule, not the file: parsing resumes at the next
//! line that starts with `rule` or `test`, so one typo hides nothing else.

use std::sync::LazyLock;

use landfall_diagnostics::{Diagnostic, FileId, Severity, Span, did_you_mean};
use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use crate::ast::*;
use crate::rules::POLICY_SYNTAX;

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/policy.pest"]
struct PolicyParser;

/// Operator precedence, lowest first.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::method) | Op::postfix(Rule::field) | Op::postfix(Rule::index))
});

/// Policy files are written by people; a file this large is a mistake.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// Parses one `.policy` file; a syntax error costs the rule it is in.
pub fn parse(file: FileId, text: &str) -> (PolicyFile, Vec<Diagnostic>) {
    // Collects the tokens each failed attempt expected: only policy files,
    // small and few, pay for it.
    pest::set_error_detail(true);
    let mut policy = PolicyFile::default();
    let mut diagnostics = Vec::new();
    if text.len() > MAX_POLICY_BYTES {
        diagnostics.push(Diagnostic::new(
            &POLICY_SYNTAX,
            Span::new(file, 0, 0),
            format!(
                "this policy file has {} bytes, more than the limit of {MAX_POLICY_BYTES}",
                text.len()
            ),
        ));
        return (policy, diagnostics);
    }
    let mut start = 0;
    while start < text.len() {
        let rest = &text[start..];
        let builder = Builder {
            file,
            offset: start,
        };
        match PolicyParser::parse(Rule::policy_file, rest) {
            Ok(mut pairs) => {
                builder.file_items(
                    pairs.next().expect("policy_file"),
                    &mut policy,
                    &mut diagnostics,
                );
                break;
            }
            Err(error) => {
                let (position, error) = error_at_word_start(rest, error);
                // The error belongs to the item that started before it (an
                // item cut short fails where the next one starts); the
                // items before that one parse on their own.
                let current = item_starts(rest)
                    .take_while(|&s| s < position)
                    .last()
                    .unwrap_or(0);
                if current > 0
                    && let Ok(mut pairs) = PolicyParser::parse(Rule::policy_file, &rest[..current])
                {
                    builder.file_items(
                        pairs.next().expect("policy_file"),
                        &mut policy,
                        &mut diagnostics,
                    );
                }
                diagnostics.push(syntax_error(file, text, start, position, &error));
                match item_starts(rest).find(|&s| s > current) {
                    Some(next) => start += next,
                    None => break,
                }
            }
        }
    }
    (policy, diagnostics)
}

/// Byte offsets of lines whose first word is `rule` or `test`.
fn item_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let word: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (word == "rule" || word == "test").then_some(at + (line.len() - trimmed.len()))
    })
}

/// Where the parse failed, moved back to the start of the word it is in,
/// and the error as it reads there. A word can fail at its end (`rule`
/// where an operand belongs passes the keyword test up to its last letter,
/// `5min` is a number up to its unit): the parse of the text cut at the
/// word's start then says what belonged where the word begins.
fn error_at_word_start(
    text: &str,
    error: pest::error::Error<Rule>,
) -> (usize, pest::error::Error<Rule>) {
    let position = error
        .parse_attempts()
        .map(|a| a.max_position)
        .unwrap_or(match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        })
        .min(text.len());
    let word_start = text[..position]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(position, |(i, _)| i);
    if word_start == position {
        return (position, error);
    }
    match PolicyParser::parse(Rule::policy_file, &text[..word_start]) {
        Err(cut)
            if cut
                .parse_attempts()
                .is_some_and(|a| a.max_position == word_start) =>
        {
            (word_start, cut)
        }
        _ => (word_start, error),
    }
}

struct Builder {
    file: FileId,
    /// Where the parsed slice starts in the file.
    offset: usize,
}

impl Builder {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(
            self.file,
            (self.offset + s.start()) as u32,
            (self.offset + s.end()) as u32,
        )
    }

    fn file_items(
        &self,
        pair: Pair<Rule>,
        policy: &mut PolicyFile,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for item in pair.into_inner() {
            match item.as_rule() {
                Rule::rule => {
                    if let Some(rule) = self.rule(item, diagnostics) {
                        policy.rules.push(rule);
                    }
                }
                Rule::test => {
                    if let Some(test) = self.test(item, diagnostics) {
                        policy.tests.push(test);
                    }
                }
                _ => {}
            }
        }
    }

    fn rule(&self, pair: Pair<Rule>, diagnostics: &mut Vec<Diagnostic>) -> Option<RuleDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        inner.next(); // kw_rule
        let id = inner.next()?;
        let severity = inner.next()?;
        let severity = Severity::parse(severity.as_str())?;
        let mut summary = None;
        let mut clauses = Vec::new();
        let mut check = None;
        let mut at = None;
        let mut message = None;
        for part in inner {
            match part.as_rule() {
                Rule::summary => {
                    let string = part.into_inner().next()?;
                    summary = Some(self.string(string, diagnostics)?);
                }
                Rule::for_clause => {
                    let mut parts = part.into_inner();
                    parts.next(); // kw_for
                    let var = parts.next()?;
                    parts.next(); // kw_in
                    let collection = self.expr(parts.next()?, diagnostics)?;
                    let filter = match parts.next() {
                        Some(w) => Some(self.expr(w.into_inner().nth(1)?, diagnostics)?),
                        None => None,
                    };
                    clauses.push(ForClause {
                        var: var.as_str().to_string(),
                        var_span: self.span(&var),
                        collection,
                        filter,
                    });
                }
                Rule::require | Rule::deny => {
                    let deny = part.as_rule() == Rule::deny;
                    let condition = part.into_inner().nth(1)?;
                    let text = condition.as_str().trim().to_string();
                    check = Some(Check {
                        deny,
                        condition: self.expr(condition, diagnostics)?,
                        text,
                    });
                }
                Rule::at_clause => {
                    at = Some(self.expr(part.into_inner().nth(1)?, diagnostics)?);
                }
                Rule::message_clause => {
                    message = Some(self.template(part.into_inner().nth(1)?, diagnostics)?);
                }
                _ => {}
            }
        }
        Some(RuleDecl {
            id: id.as_str().to_string(),
            id_span: self.span(&id),
            severity,
            summary,
            span,
            clauses,
            check: check?,
            at,
            message,
        })
    }

    fn test(&self, pair: Pair<Rule>, diagnostics: &mut Vec<Diagnostic>) -> Option<TestDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        inner.next(); // kw_test
        let example = inner.next()?;
        let example_span = self.span(&example);
        let example = self.string(example, diagnostics)?;
        let fires = inner.next()?.as_rule() == Rule::fires;
        let rules = inner
            .map(|r| (r.as_str().to_string(), self.span(&r)))
            .collect();
        Some(TestDecl {
            example,
            example_span,
            fires,
            rules,
            span,
        })
    }

    /// A `string` pair's value; a bad escape is a syntax error.
    fn string(&self, pair: Pair<Rule>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        let quoted = pair.as_str();
        let body = pair.into_inner().next()?;
        if quoted.starts_with('\'') {
            return Some(body.as_str().to_string());
        }
        self.unescape(&body, diagnostics)
    }

    fn unescape(&self, body: &Pair<Rule>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
        let raw = body.as_str();
        let base = self.offset + body.as_span().start();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (j, escaped) = chars.next()?;
            match escaped {
                '"' | '\\' => out.push(escaped),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '{' | '}' => out.push(escaped),
                other => {
                    let end = base + j + other.len_utf8();
                    diagnostics.push(
                        Diagnostic::new(
                            &POLICY_SYNTAX,
                            Span::new(self.file, (base + i) as u32, end as u32),
                            format!("unknown escape `\\{other}` in a string"),
                        )
                        .with_span_label("unknown escape")
                        .with_help(
                            "double-quoted strings know `\\\"`, `\\\\`, `\\n` and `\\t`; write a regex in single quotes, where `\\` is a plain character: '^v\\d+$'",
                        ),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn template(&self, pair: Pair<Rule>, diagnostics: &mut Vec<Diagnostic>) -> Option<Template> {
        let span = self.span(&pair);
        let mut parts = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::template_text => {
                    let text = self.unescape(&part, diagnostics)?;
                    parts.push(TemplatePart::Text(
                        text.replace("{{", "{").replace("}}", "}"),
                    ));
                }
                Rule::interpolation => {
                    let expr = part.into_inner().next()?;
                    parts.push(TemplatePart::Hole(self.expr(expr, diagnostics)?));
                }
                _ => {}
            }
        }
        Some(Template { parts, span })
    }

    fn expr(&self, pair: Pair<Rule>, diagnostics: &mut Vec<Diagnostic>) -> Option<Expr> {
        let mut failed = false;
        let expr = self.pratt(pair.into_inner(), diagnostics, &mut failed);
        (!failed).then_some(expr)
    }

    fn pratt(
        &self,
        pairs: Pairs<Rule>,
        diagnostics: &mut Vec<Diagnostic>,
        failed: &mut bool,
    ) -> Expr {
        // The closures share the diagnostics and the failure flag.
        let diagnostics = std::cell::RefCell::new(diagnostics);
        let failed = std::cell::RefCell::new(failed);
        PRATT
            .map_primary(|primary| {
                self.primary(
                    primary,
                    &mut diagnostics.borrow_mut(),
                    &mut failed.borrow_mut(),
                )
            })
            .map_prefix(|op, operand| {
                let span = join(self.span(&op), operand.span);
                let kind = match op.as_rule() {
                    Rule::op_not => ExprKind::Not(Box::new(operand)),
                    _ => ExprKind::Neg(Box::new(operand)),
                };
                Expr { kind, span }
            })
            .map_postfix(|operand, op| {
                let span = join(operand.span, self.span(&op));
                let which = op.as_rule();
                let mut inner = op.into_inner();
                let kind = match which {
                    Rule::field => {
                        let name = inner.next().expect("field name");
                        ExprKind::Field(
                            Box::new(operand),
                            name.as_str().to_string(),
                            self.span(&name),
                        )
                    }
                    Rule::method => {
                        let name = inner.next().expect("method name");
                        let arguments = inner
                            .next()
                            .map(|a| {
                                a.into_inner()
                                    .map(|e| {
                                        self.pratt(
                                            e.into_inner(),
                                            &mut diagnostics.borrow_mut(),
                                            &mut failed.borrow_mut(),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        ExprKind::Method(
                            Box::new(operand),
                            name.as_str().to_string(),
                            self.span(&name),
                            arguments,
                        )
                    }
                    _ => {
                        let key = inner.next().expect("index expression");
                        let key = self.pratt(
                            key.into_inner(),
                            &mut diagnostics.borrow_mut(),
                            &mut failed.borrow_mut(),
                        );
                        ExprKind::Index(Box::new(operand), Box::new(key))
                    }
                };
                Expr { kind, span }
            })
            .map_infix(|left, op, right| {
                let op = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    _ => BinaryOp::Div,
                };
                let span = join(left.span, right.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                    span,
                }
            })
            .parse(pairs)
    }

    fn primary(
        &self,
        pair: Pair<Rule>,
        diagnostics: &mut Vec<Diagnostic>,
        failed: &mut bool,
    ) -> Expr {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::quantity => ExprKind::Quantity(text.to_string()),
            Rule::number => {
                let integer = !text.contains(['.', 'e', 'E']);
                match text.parse::<i64>() {
                    Ok(i) if integer => ExprKind::Int(i),
                    _ => match text.parse::<f64>() {
                        Ok(f) if f.is_finite() => ExprKind::Float(f),
                        _ => {
                            diagnostics.push(
                                Diagnostic::new(
                                    &POLICY_SYNTAX,
                                    span,
                                    format!("`{text}` is out of range"),
                                )
                                .with_span_label("too large"),
                            );
                            *failed = true;
                            ExprKind::Null
                        }
                    },
                }
            }
            Rule::string => match self.string(pair, diagnostics) {
                Some(s) => ExprKind::Str(s),
                None => {
                    *failed = true;
                    ExprKind::Null
                }
            },
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::kw_null => ExprKind::Null,
            Rule::ident => ExprKind::Name(text.to_string()),
            Rule::exists => {
                let inner = pair.into_inner().nth(1).expect("exists argument");
                ExprKind::Exists(Box::new(self.pratt(
                    inner.into_inner(),
                    diagnostics,
                    failed,
                )))
            }
            Rule::list => ExprKind::List(
                pair.into_inner()
                    .map(|e| self.pratt(e.into_inner(), diagnostics, failed))
                    .collect(),
            ),
            _ => {
                // group: `( expr )`
                let inner = pair.into_inner().next().expect("group expression");
                let expr = self.pratt(inner.into_inner(), diagnostics, failed);
                return Expr {
                    kind: expr.kind,
                    span,
                };
            }
        };
        Expr { kind, span }
    }
}

fn join(a: Span, b: Span) -> Span {
    Span::new(a.file, a.start.min(b.start), a.end.max(b.end))
}

/// The diagnostic of a pest error at `position` of the slice starting at `base`.
fn syntax_error(
    file: FileId,
    text: &str,
    base: usize,
    position: usize,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let at = base + position;
    let found_len = found_token(&text[at..]);
    let found = if found_len == 0 && text[at..].starts_with(['\n', '\r']) {
        "the end of the line".to_string()
    } else if found_len == 0 {
        "the end of the file".to_string()
    } else {
        format!("`{}`", &text[at..at + found_len])
    };
    let (words, keywords) = expected(error);
    let message = if words.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", or_list(&words))
    };
    let mut d = Diagnostic::new(
        &POLICY_SYNTAX,
        Span::new(file, at as u32, (at + found_len) as u32),
        message,
    )
    .with_span_label(if found_len == 0 {
        "ends here".to_string()
    } else {
        "unexpected here".to_string()
    });
    if found_len > 0 {
        let word = &text[at..at + found_len];
        if let Some(close) = did_you_mean(word, keywords.iter().copied()) {
            d = d.with_help(format!("did you mean `{close}`?"));
        }
    }
    d
}

/// Length of the token that starts `rest`: a word, or one character; 0 at
/// the end of the file or the line.
fn found_token(rest: &str) -> usize {
    let word = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '-')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    if word > 0 {
        return word;
    }
    match rest.chars().next() {
        Some('\n') | None => 0,
        Some(c) => c.len_utf8(),
    }
}

/// What the parser expected, in words, and the keywords among it (for
/// did-you-mean).
fn expected(error: &pest::error::Error<Rule>) -> (Vec<String>, Vec<&'static str>) {
    let Some(attempts) = error.parse_attempts() else {
        return (Vec::new(), Vec::new());
    };
    let tokens: std::collections::BTreeSet<String> = attempts
        .expected_tokens()
        .into_iter()
        // Literal tokens display as themselves; character ranges (`a..z`)
        // are left out: the rule they belong to says it in words.
        .map(|t| t.to_string())
        .filter(|t| !(t.chars().count() == 4 && t.contains("..")) && t != "BUILTIN_RULE")
        .collect();
    let deepest: Vec<Rule> = attempts
        .call_stacks()
        .iter()
        .filter_map(|s| s.deepest.get_rule().copied())
        .collect();
    let has = |t: &str| tokens.contains(t);
    let mut words: Vec<String> = Vec::new();
    let mut keywords: Vec<&'static str> = Vec::new();
    if deepest.contains(&Rule::string_text) || deepest.contains(&Rule::raw_text) {
        words.push("the closing quote of the string (strings end on their line)".into());
        return (words, keywords);
    }
    if deepest.contains(&Rule::template_text) || deepest.contains(&Rule::interpolation) && has("\"")
    {
        words.push("the closing quote of the message (write `{{` and `}}` for braces)".into());
    }
    if deepest.contains(&Rule::rule_id) && !has("fires") {
        words.push("a rule id (lowercase letters, digits and `-`)".into());
    }
    if deepest.contains(&Rule::name) {
        words.push("a field or method name".into());
    }
    if deepest.contains(&Rule::ident) && !has("(") {
        words.push("a variable name".into());
    }
    let expression = has("(") && has("not");
    if expression {
        words.push("an expression".into());
    }
    if has("==") {
        words.push("an operator (`==`, `<`, `and`, `+`, …)".into());
    }
    if has("error") && has("warning") {
        words.push("a severity (`error`, `warning` or `info`)".into());
        keywords.extend(["error", "warning", "info"]);
    }
    for keyword in [
        "rule", "test", "for", "in", "where", "require", "deny", "at", "message", "fires", "passes",
    ] {
        // `in` after an operand is one of the operators.
        if has(keyword) && !(keyword == "in" && has("==")) {
            words.push(format!("`{keyword}`"));
            keywords.push(keyword);
        }
    }
    if !expression && (has("\"") || has("'")) {
        words.push("a string".into());
    }
    for punctuation in [":", ",", ")", "]", "}", "("] {
        if has(punctuation) && !(expression && punctuation == "(") {
            words.push(format!("`{punctuation}`"));
        }
    }
    if error_expects_end(error, &deepest) {
        words.push("the end of the file".into());
    }
    (words, keywords)
}

/// Whether the end of the file would have been fine here.
fn error_expects_end(error: &pest::error::Error<Rule>, deepest: &[Rule]) -> bool {
    match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.contains(&Rule::EOI) || deepest.contains(&Rule::EOI)
        }
        pest::error::ErrorVariant::CustomError { .. } => false,
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        let (_, diagnostics) = parse(FileId(0), text);
        diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}..{}: {}{}",
                    d.span.start,
                    d.span.end,
                    d.message,
                    d.help
                        .as_deref()
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn the_design_example_parses() {
        let text = include_str!("../../../corpus/policy/design-example/policies/acme.policy");
        let (policy, diagnostics) = parse(FileId(0), text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let ids: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["no-latest-tag", "prod-min-replicas", "memory-cap"]);
        assert!(policy.rules[0].check.deny);
        assert_eq!(policy.rules[1].clauses.len(), 2);
        assert!(policy.rules[1].at.is_some());
        assert_eq!(policy.rules[2].summary, None);
    }

    #[test]
    fn errors_say_what_was_expected_in_words() {
        assert_eq!(
            messages("rule foo error"),
            ["9..14: expected `:`, found `error`"]
        );
        assert_eq!(
            messages("rule Foo: error"),
            ["5..8: expected a rule id (lowercase letters, digits and `-`), found `Foo`"]
        );
        assert_eq!(
            messages("rule foo: eror\n  require true"),
            [
                "10..14: expected a severity (`error`, `warning` or `info`), found `eror` (did you mean `error`?)"
            ]
        );
        assert_eq!(
            messages("rule foo: error\n  requir x"),
            [
                "18..24: expected `for`, `require`, `deny` or a string, found `requir` (did you mean `require`?)"
            ]
        );
        assert_eq!(
            messages("rule foo: error\n  require x =="),
            ["30..30: expected an expression, found the end of the file"]
        );
        assert_eq!(
            messages("blah"),
            ["0..4: expected `rule` or `test`, found `blah`"]
        );
    }

    #[test]
    fn a_syntax_error_costs_only_its_rule() {
        let text = "rule a: error\n  require x ==\n\nrule b: warning\n  require true\n";
        let (policy, diagnostics) = parse(FileId(0), text);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(policy.rules.len(), 1);
        assert_eq!(policy.rules[0].id, "b");
    }

    #[test]
    fn operators_bind_as_documented() {
        let (policy, diagnostics) = parse(
            FileId(0),
            "rule a: error\n  deny not a.b == 1 or c and d in [1, 2] + 3 * -4",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let ExprKind::Binary(BinaryOp::Or, left, right) = &policy.rules[0].check.condition.kind
        else {
            panic!("`or` is the loosest");
        };
        assert!(matches!(left.kind, ExprKind::Not(_)));
        assert!(matches!(right.kind, ExprKind::Binary(BinaryOp::And, _, _)));
    }

    #[test]
    fn escapes_and_templates() {
        let (policy, diagnostics) = parse(
            FileId(0),
            "rule a: error \"say \\\"hi\\\"\"\n  require x.matches('^v\\d+$')\n  message \"{x.y} has {{braces}}\"",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(policy.rules[0].summary.as_deref(), Some("say \"hi\""));
        let message = policy.rules[0].message.as_ref().unwrap();
        assert!(matches!(message.parts[0], TemplatePart::Hole(_)));
        assert!(matches!(&message.parts[1], TemplatePart::Text(t) if t == " has {braces}"));
        assert_eq!(
            messages("rule a: error\n  require x.matches(\"^v\\d+$\")"),
            [
                "37..39: unknown escape `\\d` in a string (double-quoted strings know `\\\"`, `\\\\`, `\\n` and `\\t`; write a regex in single quotes, where `\\` is a plain character: '^v\\d+$')"
            ]
        );
    }
}

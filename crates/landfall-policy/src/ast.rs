//! The syntax tree of a `.policy` file, every part with its span.

use landfall_diagnostics::{Severity, Span};

/// One parsed `.policy` file.
#[derive(Clone, Debug, Default)]
pub struct PolicyFile {
    pub rules: Vec<RuleDecl>,
    pub tests: Vec<TestDecl>,
}

/// `rule ID: SEVERITY ["summary"] for… (require|deny) C [at P] [message "…"]`.
#[derive(Clone, Debug)]
pub struct RuleDecl {
    pub id: String,
    pub id_span: Span,
    pub severity: Severity,
    pub summary: Option<String>,
    /// The whole rule, from `rule` to its last clause.
    pub span: Span,
    pub clauses: Vec<ForClause>,
    pub check: Check,
    pub at: Option<Expr>,
    pub message: Option<Template>,
}

/// `for VAR in COLLECTION [where FILTER]`.
#[derive(Clone, Debug)]
pub struct ForClause {
    pub var: String,
    pub var_span: Span,
    pub collection: Expr,
    pub filter: Option<Expr>,
}

/// `require C` (reports when C is false) or `deny C` (when C is true).
#[derive(Clone, Debug)]
pub struct Check {
    pub deny: bool,
    pub condition: Expr,
    /// The condition's source text, for the default message.
    pub text: String,
}

/// A message with `{expr}` holes.
#[derive(Clone, Debug)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Text(String),
    Hole(Expr),
}

/// `test "example.yaml" fires|passes RULE[, RULE…]`.
#[derive(Clone, Debug)]
pub struct TestDecl {
    /// The example's path as written, relative to the policy file.
    pub example: String,
    pub example_span: Span,
    /// `fires`: each rule must report at least once; `passes`: none may.
    pub fires: bool,
    pub rules: Vec<(String, Span)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Null,
    /// A number with a unit, as written: `512Mi`, `500m`, `1h30m`.
    Quantity(String),
    List(Vec<Expr>),
    /// A root (`workload`, `scopes`) or a variable bound by `for`.
    Name(String),
    /// `base.name`; the span of `name` is kept for did-you-mean.
    Field(Box<Expr>, String, Span),
    /// `base["key"]`.
    Index(Box<Expr>, Box<Expr>),
    /// `base.name(arguments)`.
    Method(Box<Expr>, String, Span, Vec<Expr>),
    Exists(Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

//! Rule levels set by configuration: the Platform's `spec.rules` and the
//! repository's `landfall.toml` `[rules]`.
//!
//! The Platform is the floor: where both set a rule, the stricter level
//! holds, so a repository can raise what its platform team asks for but
//! not lower it (an inline `# landfall-ignore` with a reason is the way to
//! except one finding). Where only one sets a rule, that one holds.

use landfall_diagnostics::{Diagnostic, Severity, Span};

use landfall_rules::EffectivePlatform;

use crate::platform_config::META as PLATFORM_CONFIG;

/// A rule's level as configuration sets it, ordered from the most lenient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    /// `off`, `info`, `warning` or `error`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "off" => Some(Level::Off),
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    /// Gives `finding` this level; false when the level is `off` and the
    /// finding is to be dropped.
    pub(crate) fn apply(self, finding: &mut Diagnostic) -> bool {
        match self.severity() {
            Some(severity) => {
                finding.severity = severity;
                true
            }
            None => false,
        }
    }
}

/// One `[rules]` entry of the repository's `landfall.toml`.
#[derive(Clone, Debug)]
pub struct RuleSetting {
    pub rule: String,
    pub level: Level,
    /// The value in `landfall.toml`.
    pub span: Span,
}

/// Sets every finding's severity to its configured level and drops those
/// whose rule is `off`. Returns a `platform-config` warning for each
/// repository setting that tries to lower the Platform's level.
pub(crate) fn apply_levels(
    diagnostics: &mut Vec<Diagnostic>,
    platform: &EffectivePlatform,
    repository: &[RuleSetting],
) -> Vec<Diagnostic> {
    let mut conflicts = Vec::new();
    for setting in repository {
        if let Some((level, span)) = platform_setting(&setting.rule, platform)
            && setting.level < level
        {
            // A warning: the Platform's level is applied all the same.
            let mut conflict = Diagnostic::new(
                    &PLATFORM_CONFIG,
                    setting.span,
                    format!(
                        "landfall.toml sets `{}` to `{}`, below the Platform's `{}`: the Platform's level holds",
                        setting.rule,
                        setting.level.as_str(),
                        level.as_str()
                    ),
                )
                .with_span_label("lower than the Platform")
                .with_label(span, "set by the Platform here")
                .with_help("a repository can raise a rule's level, not lower it; suppress single findings with `# landfall-ignore: RULE -- reason`");
            conflict.severity = Severity::Warning;
            conflicts.push(conflict);
        }
    }
    if repository.is_empty() && platform.document.is_none_or(|p| p.rules.is_empty()) {
        return conflicts;
    }
    diagnostics.retain_mut(|d| {
        configured_level(&d.rule, platform, repository).is_none_or(|level| level.apply(d))
    });
    conflicts
}

/// The Platform's level for `rule` and where `spec.rules` sets it.
fn platform_setting(rule: &str, platform: &EffectivePlatform) -> Option<(Level, Span)> {
    let document = platform.document?;
    let (_, setting) = document.rules.iter().find(|(id, _)| id.value == rule)?;
    // Any other value is a schema error and changes nothing.
    Some((Level::parse(&setting.value)?, setting.span))
}

/// The level configuration sets for `rule`: the stricter of the Platform's
/// and the repository's where both set it, else the one that does.
pub(crate) fn configured_level(
    rule: &str,
    platform: &EffectivePlatform,
    repository: &[RuleSetting],
) -> Option<Level> {
    let platform = platform_setting(rule, platform).map(|(level, _)| level);
    let repository = repository
        .iter()
        .rev()
        .find(|s| s.rule == rule)
        .map(|s| s.level);
    match (platform, repository) {
        (Some(p), Some(r)) => Some(p.max(r)),
        (p, r) => p.or(r),
    }
}

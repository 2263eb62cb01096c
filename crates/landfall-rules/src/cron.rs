//! Five-field cron expressions (`minute hour day-of-month month
//! day-of-week`), as Unix cron and Kubernetes CronJobs read them, checked
//! exactly: an error names the byte range of the part of the schedule that
//! is wrong, the field it is in and what that field accepts.
//!
//! Accepted: `*`, numbers, month and day names (`JAN`-`DEC`, `SUN`-`SAT`,
//! any case), ranges `a-b`, steps `*/n` and `a-b/n`, lists of those
//! separated by `,`, and the macros `@yearly` (`@annually`), `@monthly`,
//! `@weekly`, `@daily` (`@midnight`) and `@hourly`. Day of week 7 is
//! Sunday, like 0. Rejected with a message of their own: `@reboot`,
//! `@every`, six-field expressions (seconds), a year field, `TZ=`
//! prefixes, Quartz syntax (`?`, `L`, `W`, `#`), `a/n` without a range,
//! backwards ranges, steps of 0 or longer than the field, and schedules
//! whose day of month never occurs in the months they select
//! (`0 0 30 2 *`).

use landfall_diagnostics::did_you_mean;

/// Why a schedule is not a valid cron expression; `start..end` is the byte
/// range of the schedule text that is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// Text under the caret.
    pub label: String,
    pub help: Option<String>,
}

/// The macros Kubernetes CronJobs accept, with what they stand for.
pub const MACROS: &[(&str, &str)] = &[
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names for `min`, `min + 1`, …
    names: &'static [&'static str],
    /// What the field takes, for messages: `0-59`, `1-12 or JAN-DEC`.
    takes: &'static str,
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const DAY_OF_MONTH: usize = 2;
const MONTH: usize = 3;
const DAY_OF_WEEK: usize = 4;

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        takes: "0-59",
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        takes: "0-23",
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
        takes: "1-31",
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: MONTHS,
        takes: "1-12 or JAN-DEC",
    },
    Field {
        name: "day of week",
        min: 0,
        max: 7,
        names: DAYS,
        takes: "0-7 (0 and 7 are Sunday) or SUN-SAT",
    },
];

const FIVE_FIELDS: &str = "minute, hour, day of month, month and day of week";

/// What a valid schedule selects: one bit per value of each field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub fields: [u64; 5],
}

/// Checks a schedule; on success returns what it selects.
pub fn parse_schedule(text: &str) -> Result<Schedule, CronError> {
    let tokens: Vec<(usize, &str)> = text
        .split_ascii_whitespace()
        .map(|t| (t.as_ptr() as usize - text.as_ptr() as usize, t))
        .collect();
    let Some(&(first_at, first)) = tokens.first() else {
        return Err(CronError {
            start: 0,
            end: text.len(),
            message: "the schedule is empty".into(),
            label: "empty schedule".into(),
            help: Some(format!(
                "write five fields ({FIVE_FIELDS}), such as `0 3 * * *` for 03:00 UTC every day"
            )),
        });
    };
    if first.starts_with('@') {
        return parse_macro(&tokens);
    }
    if let Some(tz) = ["TZ=", "CRON_TZ="].iter().find(|p| first.starts_with(**p)) {
        return Err(CronError {
            start: first_at,
            end: first_at + first.len(),
            message: format!(
                "a schedule cannot set a time zone (`{tz}`): cron workloads run in UTC"
            ),
            label: "time zone".into(),
            help: Some(format!("remove `{first}` and write the times in UTC")),
        });
    }
    if tokens.len() != 5 {
        return Err(field_count(&tokens));
    }
    let mut schedule = Schedule { fields: [0; 5] };
    for (index, &(at, field_text)) in tokens.iter().enumerate() {
        schedule.fields[index] = parse_field(field_text, at, &FIELDS[index])?;
    }
    // Sunday is 0 and 7.
    if schedule.fields[DAY_OF_WEEK] & (1 << 7) != 0 {
        schedule.fields[DAY_OF_WEEK] = (schedule.fields[DAY_OF_WEEK] & !(1 << 7)) | 1;
    }
    never_runs(&tokens, &schedule)?;
    Ok(schedule)
}

fn parse_macro(tokens: &[(usize, &str)]) -> Result<Schedule, CronError> {
    let (at, word) = tokens[0];
    let span_word = |message: String, label: &str, help: String| CronError {
        start: at,
        end: at + word.len(),
        message,
        label: label.into(),
        help: Some(help),
    };
    if let Some((_, means)) = MACROS.iter().find(|(m, _)| *m == word) {
        if let Some(&(extra_at, _)) = tokens.get(1) {
            let (last_at, last) = tokens[tokens.len() - 1];
            return Err(CronError {
                start: extra_at,
                end: last_at + last.len(),
                message: format!("`{word}` stands for a whole schedule and takes nothing after it"),
                label: "unexpected".into(),
                help: Some(format!(
                    "write `{word}` alone, or five fields (`{word}` is `{means}`)"
                )),
            });
        }
        return parse_schedule(means);
    }
    let known = || MACROS.iter().map(|(m, _)| *m);
    let err = match word {
        "@reboot" => span_word(
            "`@reboot` is not a schedule: a cron workload runs on a schedule, not when a machine boots".into(),
            "not supported",
            "write a five-field schedule such as `0 3 * * *`, or use a standard workload for work that runs once at start".into(),
        ),
        _ if word == "@every" || word.starts_with("@every") => span_word(
            "`@every` is not supported: schedules are five-field cron expressions".into(),
            "not supported",
            "write the interval as a step, such as `*/15 * * * *` for every 15 minutes or `0 */2 * * *` for every 2 hours".into(),
        ),
        _ => {
            let lower = word.to_ascii_lowercase();
            let help = match known().find(|m| *m == lower) {
                Some(m) => format!("macros are lowercase: write `{m}`"),
                None => match did_you_mean(word, known()) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => format!(
                        "the macros are {}; or write five fields ({FIVE_FIELDS})",
                        known().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                },
            };
            span_word(format!("`{word}` is not a cron macro"), "unknown macro", help)
        }
    };
    Err(err)
}

fn field_count(tokens: &[(usize, &str)]) -> CronError {
    let n = tokens.len();
    let whole = CronError {
        start: tokens[0].0,
        end: tokens[n - 1].0 + tokens[n - 1].1.len(),
        message: format!(
            "the schedule has {n} field{}, but a cron schedule has five: {FIVE_FIELDS}",
            if n == 1 { "" } else { "s" }
        ),
        label: format!("{n} field{}", if n == 1 { "" } else { "s" }),
        help: Some("for example `0 3 * * *` runs at 03:00 UTC every day".into()),
    };
    let looks_like_year = |t: &str| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit());
    match n {
        6 if looks_like_year(tokens[5].1) => CronError {
            start: tokens[5].0,
            end: tokens[5].0 + tokens[5].1.len(),
            message: format!(
                "the schedule has 6 fields, but a cron schedule has five: {FIVE_FIELDS}"
            ),
            label: "a year field is not supported".into(),
            help: Some(format!("remove the year: `{}`", join(&tokens[..5]))),
        },
        6 => CronError {
            start: tokens[0].0,
            end: tokens[0].0 + tokens[0].1.len(),
            message: format!(
                "the schedule has 6 fields, but a cron schedule has five: {FIVE_FIELDS}"
            ),
            label: "a seconds field is not supported".into(),
            help: Some(format!(
                "schedules run on whole minutes: remove the seconds, `{}`",
                join(&tokens[1..])
            )),
        },
        _ if n > 5 => CronError {
            start: tokens[5].0,
            label: "more than five fields".into(),
            ..whole
        },
        _ => whole,
    }
}

fn join(tokens: &[(usize, &str)]) -> String {
    tokens.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(" ")
}

fn error(
    start: usize,
    end: usize,
    message: String,
    label: &str,
    help: Option<String>,
) -> CronError {
    CronError {
        start,
        end,
        message,
        label: label.into(),
        help,
    }
}

fn takes(field: &Field) -> String {
    format!("the {} field takes {}", field.name, field.takes)
}

/// A comma-separated list of items, `text` starting at byte `at` of the schedule.
fn parse_field(text: &str, at: usize, field: &Field) -> Result<u64, CronError> {
    let mut mask = 0;
    let mut item_at = at;
    for item in text.split(',') {
        if item.is_empty() {
            // Point at the comma next to the empty entry.
            let comma = if item_at > at { item_at - 1 } else { item_at };
            return Err(error(
                comma,
                comma + 1,
                format!("empty entry in the {} list", field.name),
                "empty entry",
                Some("separate values with single commas, without spaces: `1,15,30`".into()),
            ));
        }
        mask |= parse_item(item, item_at, field)?;
        item_at += item.len() + 1;
    }
    Ok(mask)
}

/// `*`, `*/n`, `a`, `a-b` or `a-b/n`.
fn parse_item(item: &str, at: usize, field: &Field) -> Result<u64, CronError> {
    let (base, step) = match item.find('/') {
        Some(slash) => (&item[..slash], Some((slash, &item[slash + 1..]))),
        None => (item, None),
    };
    let (low, high, is_range) = if base == "*" {
        (field.min, field.max, true)
    } else if base.is_empty() {
        return Err(error(
            at,
            at + 1,
            format!(
                "a step in the {} field needs `*` or a range before `/`",
                field.name
            ),
            "nothing to step over",
            Some(format!(
                "write `*{item}` or a range such as `{}-{}{item}`",
                field.min, field.max
            )),
        ));
    } else {
        match base.find('-') {
            Some(dash) => {
                let (a_text, b_text) = (&base[..dash], &base[dash + 1..]);
                if a_text.is_empty() || b_text.is_empty() {
                    let negative = a_text.is_empty() && !b_text.is_empty();
                    return Err(error(
                        at + dash,
                        at + dash + 1,
                        if negative {
                            format!("{} values cannot be negative", field.name)
                        } else {
                            format!(
                                "a range in the {} field needs a value on both sides of `-`",
                                field.name
                            )
                        },
                        if negative {
                            "negative"
                        } else {
                            "incomplete range"
                        },
                        Some(takes(field)),
                    ));
                }
                let a = parse_value(a_text, at, field)?;
                let b = parse_value(b_text, at + dash + 1, field)?;
                if a > b {
                    let help = if field.name == "day of week" && b == 0 {
                        format!("Sunday ends the week as 7: write `{a}-7`")
                    } else {
                        format!(
                            "write the smaller value first; to wrap around, use two ranges: `{a}-{},{}-{b}`",
                            field.max, field.min
                        )
                    };
                    return Err(error(
                        at,
                        at + base.len(),
                        format!(
                            "the {} range {base} runs backwards ({a} is after {b})",
                            field.name
                        ),
                        "backwards range",
                        Some(help),
                    ));
                }
                (a, b, true)
            }
            None => {
                let v = parse_value(base, at, field)?;
                (v, v, false)
            }
        }
    };
    let step = match step {
        None => 1,
        Some((slash, step_text)) => {
            let step_at = at + slash + 1;
            if step_text.is_empty() {
                return Err(error(
                    at + slash,
                    at + slash + 1,
                    format!(
                        "a step in the {} field needs a number after `/`",
                        field.name
                    ),
                    "missing step",
                    Some("write a step such as `*/15`".into()),
                ));
            }
            if let Some(bad) = step_text.bytes().position(|b| !b.is_ascii_digit()) {
                return Err(unexpected(
                    step_text,
                    step_at,
                    bad,
                    field,
                    "a step is a number",
                ));
            }
            let n: u32 = step_text.parse().unwrap_or(u32::MAX);
            if n == 0 {
                return Err(error(
                    step_at,
                    step_at + step_text.len(),
                    format!("a step of 0 in the {} field selects nothing", field.name),
                    "zero step",
                    Some("a step is 1 or more: `*/5` is every fifth value".into()),
                ));
            }
            if !is_range {
                let v = low;
                return Err(error(
                    at,
                    at + item.len(),
                    format!(
                        "`{item}`: a step in the {} field needs `*` or a range before `/`",
                        field.name
                    ),
                    "step without a range",
                    Some(format!(
                        "write `{v}-{}/{n}` (from {v} to {} every {n}), or `*/{n}`",
                        field.max, field.max
                    )),
                ));
            }
            let width = field.max - field.min + 1;
            if n > width {
                return Err(error(
                    step_at,
                    step_at + step_text.len(),
                    format!(
                        "a step of {n} is longer than the {} field ({}), so it selects only {low}: steps do not carry over",
                        field.name, field.takes.split(' ').next().unwrap_or(field.takes)
                    ),
                    "step too long",
                    Some(match field.name {
                        "minute" => "to run every N minutes beyond an hour, list the times in the hour field: `0 */2 * * *` is every 2 hours".into(),
                        "hour" => "to run every N hours beyond a day, choose days in the day of month field: `0 0 */2 * *` is every other day".into(),
                        _ => format!("use a step of at most {width}"),
                    }),
                ));
            }
            n
        }
    };
    let mut mask = 0u64;
    let mut v = low;
    while v <= high {
        mask |= 1 << v;
        v += step;
    }
    Ok(mask)
}

/// A number or a name, checked against the field's range.
fn parse_value(text: &str, at: usize, field: &Field) -> Result<u32, CronError> {
    let bytes = text.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 {
        if digits < bytes.len() {
            return Err(unexpected(text, at, digits, field, takes(field).as_str()));
        }
        let value: u32 = text.parse().unwrap_or(u32::MAX);
        if value < field.min || value > field.max {
            let shown = if value == u32::MAX {
                text.to_string()
            } else {
                value.to_string()
            };
            return Err(error(
                at,
                at + text.len(),
                format!(
                    "{} {shown} is out of range {}-{}",
                    field.name, field.min, field.max
                ),
                "out of range",
                Some(takes(field)),
            ));
        }
        return Ok(value);
    }
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return Err(unexpected(text, at, 0, field, takes(field).as_str()));
    }
    let word = &text[..letters];
    let upper = word.to_ascii_uppercase();
    if let Some(index) = field.names.iter().position(|n| *n == upper) {
        if letters < bytes.len() {
            return Err(unexpected(text, at, letters, field, takes(field).as_str()));
        }
        return Ok(field.min + index as u32);
    }
    let span_end = at + letters;
    let quartz = matches!(upper.as_str(), "L" | "W" | "LW");
    let (message, label, help) = if quartz {
        (
            format!("`{word}` is Quartz syntax, not part of five-field cron"),
            "not cron",
            format!("{}; `L`, `W`, `#` and `?` are not supported", takes(field)),
        )
    } else if field.names.is_empty() {
        (
            format!("`{word}` is not a {} value", field.name),
            "not a number",
            takes(field),
        )
    } else if let Some(other) = [(MONTH, MONTHS), (DAY_OF_WEEK, DAYS)]
        .iter()
        .find(|(_, names)| !std::ptr::eq(*names, field.names) && names.contains(&upper.as_str()))
    {
        (
            format!(
                "`{word}` is a {} name, not a {} name",
                FIELDS[other.0].name, field.name
            ),
            "wrong field",
            format!("{}; check the field order: {FIVE_FIELDS}", takes(field)),
        )
    } else if let Some(name) = field
        .names
        .iter()
        .find(|n| upper.len() > 3 && upper.starts_with(**n))
    {
        (
            format!("`{word}` is not a {} name", field.name),
            "unknown name",
            format!("names are three letters: write `{name}`"),
        )
    } else {
        let help = match did_you_mean(&upper, field.names.iter().copied()) {
            Some(name) => format!("did you mean `{name}`? {}", takes(field)),
            None => takes(field),
        };
        (
            format!("`{word}` is not a {} name", field.name),
            "unknown name",
            help,
        )
    };
    Err(error(at, span_end, message, label, Some(help)))
}

/// The character at byte `index` of `text` cannot be there.
fn unexpected(text: &str, at: usize, index: usize, field: &Field, expected: &str) -> CronError {
    let c = text[index..].chars().next().unwrap_or(' ');
    let shown = if c.is_ascii_graphic() {
        format!("`{c}`")
    } else {
        format!("U+{:04X}", c as u32)
    };
    let help = if matches!(c, '?' | '#' | 'L' | 'W') {
        format!("`L`, `W`, `#` and `?` are Quartz syntax, not five-field cron; {expected}")
    } else {
        expected.to_string()
    };
    error(
        at + index,
        at + index + c.len_utf8(),
        format!("unexpected {shown} in the {} field", field.name),
        "unexpected character",
        Some(help),
    )
}

/// A schedule whose day of month never occurs in any month it selects
/// (when day of week is `*`, days are matched by day of month alone).
fn never_runs(tokens: &[(usize, &str)], schedule: &Schedule) -> Result<(), CronError> {
    let dom_text = tokens[DAY_OF_MONTH].1;
    let dow_text = tokens[DAY_OF_WEEK].1;
    if dom_text.starts_with('*') || !dow_text.starts_with('*') {
        return Ok(());
    }
    let days_in = |month: u32| match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let days = schedule.fields[DAY_OF_MONTH];
    let months: Vec<u32> = (1..=12)
        .filter(|m| schedule.fields[MONTH] & (1 << m) != 0)
        .collect();
    let runs = months
        .iter()
        .any(|&m| (1..=days_in(m)).any(|d| days & (1 << d) != 0));
    if runs {
        return Ok(());
    }
    let day_list: Vec<String> = (1..=31)
        .filter(|d| days & (1 << d) != 0)
        .map(|d| d.to_string())
        .collect();
    let month_list: Vec<&str> = months
        .iter()
        .map(|&m| MONTH_NAMES[(m - 1) as usize])
        .collect();
    let (at, _) = tokens[DAY_OF_MONTH];
    Err(error(
        at,
        at + dom_text.len(),
        format!(
            "the schedule never runs: {} {} no day {}",
            join_words(&month_list, "and"),
            if month_list.len() == 1 { "has" } else { "have" },
            join_words(
                &day_list.iter().map(String::as_str).collect::<Vec<_>>(),
                "or"
            ),
        ),
        "never occurs",
        Some(format!(
            "choose days that exist in {}, or other months",
            if month_list.len() == 1 {
                month_list[0]
            } else {
                "those months"
            }
        )),
    ))
}

fn join_words(words: &[&str], last: &str) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Schedule {
        parse_schedule(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    fn err(text: &str) -> CronError {
        parse_schedule(text).expect_err(text)
    }

    /// The text an error points at.
    fn at(text: &str) -> &str {
        let e = err(text);
        &text[e.start..e.end]
    }

    fn bits(mask: u64) -> Vec<u32> {
        (0..64).filter(|b| mask & (1 << b) != 0).collect()
    }

    #[test]
    fn accepts_the_standard_forms() {
        for text in [
            "* * * * *",
            "5 4 * * 0",
            "0 3 * * *",
            "*/15 * * * *",
            "0 0-23/2 * * *",
            "0,30 9-17 * * MON-FRI",
            "0 0 1 jan,Jul *",
            "59 23 31 12 7",
            "0 0 29 2 *",
            "  0   3 * *  *  ",
            "0 0 1-7 * sun",
            "00 05 01 01 00",
        ] {
            ok(text);
        }
    }

    #[test]
    fn selects_the_right_values() {
        let s = ok("*/20 9-17/4 * JAN,mar 1-5,7");
        assert_eq!(bits(s.fields[0]), vec![0, 20, 40]);
        assert_eq!(bits(s.fields[1]), vec![9, 13, 17]);
        assert_eq!(bits(s.fields[3]), vec![1, 3]);
        // 7 is Sunday, folded into 0.
        assert_eq!(bits(s.fields[4]), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn accepts_the_kubernetes_macros() {
        for (m, means) in MACROS {
            assert_eq!(ok(m), ok(means));
        }
    }

    #[test]
    fn rejects_other_macros() {
        assert!(err("@reboot").message.contains("@reboot"));
        assert!(err("@every 5m").message.contains("@every"));
        assert_eq!(at("@every 5m"), "@every");
        assert_eq!(
            err("@Daily").help.unwrap(),
            "macros are lowercase: write `@daily`"
        );
        assert_eq!(err("@dayly").help.unwrap(), "did you mean `@daily`?");
        assert_eq!(at("@daily 0 3"), "0 3");
    }

    #[test]
    fn out_of_range_values_name_the_field_and_its_range() {
        let e = err("0 0 * * 8");
        assert_eq!(e.message, "day of week 8 is out of range 0-7");
        assert_eq!(at("0 0 * * 8"), "8");
        assert_eq!(err("60 * * * *").message, "minute 60 is out of range 0-59");
        assert_eq!(err("0 24 * * *").message, "hour 24 is out of range 0-23");
        assert_eq!(
            err("0 0 0 * *").message,
            "day of month 0 is out of range 1-31"
        );
        assert_eq!(
            err("0 0 32 * *").message,
            "day of month 32 is out of range 1-31"
        );
        assert_eq!(err("0 0 * 13 *").message, "month 13 is out of range 1-12");
        assert_eq!(err("0 0 * 0 *").message, "month 0 is out of range 1-12");
        assert_eq!(at("0 1,2,99 * * *"), "99");
        assert_eq!(at("0 1-99 * * *"), "99");
        assert_eq!(
            err("99999999999 * * * *").message,
            "minute 99999999999 is out of range 0-59"
        );
    }

    #[test]
    fn field_counts() {
        let six = err("0 */5 * * * *");
        assert_eq!(six.start, 0);
        assert_eq!(six.end, 1);
        assert_eq!(six.label, "a seconds field is not supported");
        assert_eq!(
            six.help.unwrap(),
            "schedules run on whole minutes: remove the seconds, `*/5 * * * *`"
        );
        assert_eq!(at("0 3 * * * 2024"), "2024");
        assert_eq!(at("0 3 * * * * *"), "* *");
        assert_eq!(at("0 3 * *"), "0 3 * *");
        assert!(
            err("0 3 * *")
                .message
                .starts_with("the schedule has 4 fields")
        );
        assert_eq!(err("").message, "the schedule is empty");
        assert_eq!(err("   ").message, "the schedule is empty");
    }

    #[test]
    fn syntax_errors_point_inside_the_field() {
        assert_eq!(at("1,,2 * * * *"), ",");
        assert_eq!(at(",1 * * * *"), ",");
        assert_eq!(at("1, * * * *"), ",");
        assert_eq!(at("5- * * * *"), "-");
        assert_eq!(at("-5 * * * *"), "-");
        assert_eq!(at("1.5 * * * *"), ".");
        assert_eq!(at("*/ * * * *"), "/");
        assert_eq!(at("*/x * * * *"), "x");
        assert_eq!(at("/5 * * * *"), "/");
        assert_eq!(at("0 0 ? * *"), "?");
        assert_eq!(at("0 0 L * *"), "L");
        assert_eq!(at("0 0 15W * *"), "W");
        assert_eq!(at("0 0 * * MON#2"), "#");
        assert_eq!(at("0 0 * * 1-2-3"), "-");
        assert_eq!(at("0 0 * * 1\u{a0}"), "\u{a0}");
        assert!(err("0 0 * * 1\u{a0}").message.contains("U+00A0"));
        assert_eq!(at("0 0 * * 5L"), "L");
    }

    #[test]
    fn names() {
        assert_eq!(at("0 0 * * Monday"), "Monday");
        assert_eq!(
            err("0 0 * * Monday").help.unwrap(),
            "names are three letters: write `MON`"
        );
        assert_eq!(
            err("0 0 * * JAN").message,
            "`JAN` is a month name, not a day of week name"
        );
        assert_eq!(
            err("0 0 * MON *").message,
            "`MON` is a day of week name, not a month name"
        );
        assert_eq!(
            err("0 0 * * MNO").message,
            "`MNO` is not a day of week name"
        );
        assert_eq!(err("noon * * * *").message, "`noon` is not a minute value");
    }

    #[test]
    fn ranges_and_steps() {
        assert_eq!(at("0 22-2 * * *"), "22-2");
        assert!(err("0 22-2 * * *").message.contains("backwards"));
        assert_eq!(
            err("0 0 * * FRI-SUN").help.unwrap(),
            "Sunday ends the week as 7: write `5-7`"
        );
        ok("0 0 * * FRI-7");
        assert_eq!(at("*/0 * * * *"), "0");
        assert_eq!(at("5/15 * * * *"), "5/15");
        assert_eq!(
            err("5/15 * * * *").help.unwrap(),
            "write `5-59/15` (from 5 to 59 every 15), or `*/15`"
        );
        assert_eq!(at("*/90 * * * *"), "90");
        ok("*/60 * * * *");
        ok("0 */24 * * *");
        assert_eq!(at("0 */25 * * *"), "25");
        ok("0-59/59 * * * *");
    }

    #[test]
    fn time_zones_are_rejected() {
        assert_eq!(at("CRON_TZ=Europe/Paris 0 3 * * *"), "CRON_TZ=Europe/Paris");
        assert_eq!(at("TZ=UTC 0 3 * * *"), "TZ=UTC");
    }

    #[test]
    fn never_panics_and_errors_stay_inside_the_text() {
        let pieces = [
            "*",
            "/",
            "-",
            ",",
            " ",
            "\t",
            "0",
            "7",
            "59",
            "60",
            "99999999999",
            "JAN",
            "sun",
            "L",
            "W",
            "#",
            "?",
            "@",
            "@daily",
            "@reboot",
            "TZ=",
            "é",
            "\u{a0}",
            "日",
            "1-",
            "-1",
            "*/",
            "/0",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 12) as usize;
            for i in 0..len {
                let pick = (seed.rotate_left(i as u32 * 5) % pieces.len() as u64) as usize;
                text.push_str(pieces[pick]);
            }
            if let Err(e) = parse_schedule(&text) {
                assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
                assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            }
        }
    }

    #[test]
    fn schedules_that_never_run() {
        let e = err("0 0 30 2 *");
        assert_eq!(e.message, "the schedule never runs: February has no day 30");
        assert_eq!(at("0 0 30 2 *"), "30");
        assert_eq!(
            err("0 0 31 4,6 *").message,
            "the schedule never runs: April and June have no day 31"
        );
        assert_eq!(
            err("0 0 30,31 FEB *").message,
            "the schedule never runs: February has no day 30 or 31"
        );
        // Some month has the day, or day of week adds days of its own.
        ok("0 0 31 4,5 *");
        ok("0 0 30 2 MON");
        ok("0 0 29 2 *");
    }
}

//! What a rule's findings depend on, so that a document that failed its
//! schema is still judged by every rule that reads none of what failed.
//!
//! A schema fault is reported once, by `schema`. A rule that read the
//! faulty field would report it again in its own words, or, since a value
//! of the wrong shape is absent from the model, judge the document as if
//! the field were not written (a cron workload "without a `job`", a
//! timeout "not below the default period"). So a rule says which fields it
//! reads; it judges a document unless a fault touches one of them (lies
//! inside it, or around it), and the platform in force unless a fault of
//! the Platform document touches what it reads of it. Each rule's
//! declaration is checked against its behaviour by a test that takes fields
//! away from its examples (`landfall-check/tests/reads.rs`).

use landfall_model::{LoadedDocument, SchemaFaults};
use landfall_schema::Kind;

use crate::context::EffectivePlatform;

/// The fields a rule reads.
#[derive(Clone, Copy, Debug)]
pub enum Reads {
    /// Any field, of any document and of the platform: a rule that says
    /// nothing judges only documents that passed their schema, with a
    /// platform that passed its own.
    Everything,
    /// These fields, as JSON pointers into documents of a kind; a `*`
    /// segment is any list item or mapping key. The platform in force is
    /// read through `Kind::Platform` fields, whatever kind is judged.
    Fields(&'static [(Kind, &'static str)]),
}

impl Reads {
    /// Whether what the rule reads of a document of `kind` is clear of
    /// `faults`.
    pub fn trusts(&self, kind: Kind, faults: &SchemaFaults) -> bool {
        match self {
            Reads::Everything => !faults.touch(""),
            Reads::Fields(fields) => !fields.iter().any(|(k, p)| *k == kind && faults.touch(p)),
        }
    }

    /// Whether the rule judges `doc` with `platform` in force: neither has
    /// a fault in what the rule reads.
    pub fn judges(&self, doc: &LoadedDocument, platform: &EffectivePlatform) -> bool {
        (doc.faults.passed() || self.trusts(doc.kind(), &doc.faults))
            && (platform.faults.passed() || self.trusts(Kind::Platform, &platform.faults))
    }

    /// The fields the rule reads of documents of `kind`; `None` for
    /// [`Reads::Everything`].
    pub fn fields_of(&self, kind: Kind) -> Option<Vec<&'static str>> {
        match self {
            Reads::Everything => None,
            Reads::Fields(fields) => Some(
                fields
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, p)| *p)
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const READS: Reads = Reads::Fields(&[
        (Kind::Workload, "/spec/type"),
        (Kind::Workload, "/spec/containers/*/ports/*/port"),
        (Kind::Platform, "/spec/blockedPorts"),
    ]);

    #[test]
    fn a_rule_trusts_what_no_fault_touches() {
        let at = |paths: &[&str]| SchemaFaults::At(paths.iter().map(|p| p.to_string()).collect());
        assert!(READS.trusts(Kind::Workload, &SchemaFaults::None));
        assert!(READS.trusts(Kind::Workload, &at(&["/spec/job/schedule"])));
        assert!(!READS.trusts(Kind::Workload, &at(&["/spec/type"])));
        assert!(!READS.trusts(Kind::Workload, &at(&["/spec/containers/1/ports"])));
        // What it reads of other kinds does not count for this one.
        assert!(READS.trusts(Kind::Workload, &at(&["/spec/blockedPorts/0"])));
        assert!(!READS.trusts(Kind::Platform, &at(&["/spec/blockedPorts/0"])));
        assert!(!READS.trusts(Kind::Workload, &SchemaFaults::Everywhere));
        // A rule that says nothing trusts only what passed, or failed only
        // on unknown fields nothing reads.
        assert!(!Reads::Everything.trusts(Kind::Workload, &at(&["/spec/job"])));
        assert!(Reads::Everything.trusts(Kind::Workload, &at(&[])));
        assert_eq!(
            READS.fields_of(Kind::Workload),
            Some(vec!["/spec/type", "/spec/containers/*/ports/*/port"])
        );
        assert_eq!(Reads::Everything.fields_of(Kind::Workload), None);
    }
}

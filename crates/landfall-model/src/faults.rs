//! Where a document failed its kind's schema, so that the rest of it can
//! still be judged: a rule that reads none of the faulty fields judges the
//! document as if it were valid, and no rule judges what failed (the
//! `schema` finding is the one finding about it).

pub use landfall_schema::faults::touches;

/// Where a document failed its kind's schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SchemaFaults {
    /// It passed.
    #[default]
    None,
    /// It failed at these JSON pointers: values that failed, required
    /// fields that are missing, fields an unknown field misspells
    /// (`landfall_schema::faults`). Empty when only unknown fields that
    /// nothing reads failed.
    At(Vec<String>),
    /// It failed, and it is not known where (a dialect that does not say,
    /// or the platform in force could not be read): no field of it is
    /// judged.
    Everywhere,
}

impl SchemaFaults {
    /// Whether the document passed its schema.
    pub fn passed(&self) -> bool {
        matches!(self, SchemaFaults::None)
    }

    /// Whether a fault touches the field at `read`, a JSON pointer whose
    /// segments may be `*` (any list item or mapping key): the field is
    /// inside a faulty value, or holds one.
    pub fn touch(&self, read: &str) -> bool {
        match self {
            SchemaFaults::None => false,
            SchemaFaults::At(faults) => faults.iter().any(|f| touches(f, read)),
            SchemaFaults::Everywhere => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_faults_touch() {
        assert!(!SchemaFaults::None.touch("/spec/type"));
        assert!(SchemaFaults::Everywhere.touch("/spec/type"));
        let at = SchemaFaults::At(vec!["/spec/job".into()]);
        assert!(at.touch("/spec/job/schedule"));
        assert!(!at.touch("/spec/type"));
        assert!(!SchemaFaults::At(Vec::new()).touch("/spec/type"));
        assert!(!SchemaFaults::At(Vec::new()).passed());
    }
}

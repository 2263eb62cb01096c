//! What the conformance test compares landfall with: the suite's events,
//! where its invalid cases stop, and the cases refused by decision.

pub mod compare;
pub mod events;
pub mod fault;
pub mod refusals;

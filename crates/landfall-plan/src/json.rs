//! The plan's canonical JSON text: serde_json's pretty form (two-space
//! indentation), with the workloads, most of a large plan, written in
//! parallel and spliced in.

use std::io;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;

use crate::ir::Plan;

/// Writes `plan` as [`Plan::to_json`] gives it: byte for byte what
/// `serde_json::to_string_pretty` gives, plus a final newline. The pieces
/// go to `out` as they are, never joined into one buffer.
pub(crate) fn write_plan_json<W: io::Write>(plan: &Plan, out: &mut W) -> io::Result<()> {
    // Every field named, so that a new one is not forgotten here.
    let frame = Plan {
        plan_version: plan.plan_version,
        application: plan.application.clone(),
        scope: plan.scope.clone(),
        networks: plan.networks.clone(),
        volumes: plan.volumes.clone(),
        configs: plan.configs.clone(),
        secrets: plan.secrets.clone(),
        workloads: Vec::new(),
        upgrade_from: plan.upgrade_from.clone(),
        actions: plan.actions.clone(),
        observed: plan.observed.clone(),
    };
    let frame = pretty_at_depth(&frame, 0);
    const EMPTY: &[u8] = b"\n  \"workloads\": []";
    let at = frame
        .windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .expect("a plan's JSON has a top-level workloads key");
    out.write_all(&frame[..at])?;
    out.write_all(b"\n  \"workloads\": [")?;
    // A workload sits in the top-level object's `workloads` array: its
    // text starts two levels deep. Written a batch at a time, so that the
    // memory of one batch's texts serves the next.
    const BATCH: usize = 128;
    for (b, batch) in plan.workloads.chunks(BATCH).enumerate() {
        let texts: Vec<Vec<u8>> = batch.par_iter().map(|w| pretty_at_depth(w, 2)).collect();
        for (i, text) in texts.iter().enumerate() {
            out.write_all(if b == 0 && i == 0 {
                b"\n    "
            } else {
                b",\n    "
            })?;
            out.write_all(text)?;
        }
    }
    if !plan.workloads.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]")?;
    out.write_all(&frame[at + EMPTY.len()..])?;
    out.write_all(b"\n")
}

/// The pretty JSON of `value` as it reads when nested `depth` levels
/// deep in a pretty document: its inner lines indented accordingly, its
/// first line not (the caller places it).
fn pretty_at_depth<T: Serialize>(value: &T, depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(8192);
    let formatter = NestedPretty {
        depth,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut serializer)
        .expect("plan types always serialise");
    out
}

/// serde_json's `PrettyFormatter` (two spaces), starting `depth` levels
/// deep: its own type cannot start anywhere but the top.
struct NestedPretty {
    depth: usize,
    has_value: bool,
}

impl NestedPretty {
    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }
}

fn indent<W: ?Sized + io::Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        writer.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for NestedPretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

//! The plan's canonical JSON text: serde_json's pretty form (two-space
//! indentation), with the workloads, most of a large plan, written in
//! parallel and spliced in.

use std::io;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;

use crate::ir::Plan;

/// `plan` as [`Plan::to_json`] writes it: byte for byte what
/// `serde_json::to_string_pretty` gives, plus a final newline.
pub(crate) fn plan_json(plan: &Plan) -> String {
    // A workload sits in the top-level object's `workloads` array: its
    // text starts two levels deep.
    let workloads: Vec<Vec<u8>> = plan
        .workloads
        .par_iter()
        .map(|w| pretty_at_depth(w, 2))
        .collect();
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
    };
    let frame = pretty_at_depth(&frame, 0);
    const EMPTY: &[u8] = b"\n  \"workloads\": []";
    let at = frame
        .windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .expect("a plan's JSON has a top-level workloads key");
    let size = frame.len() + workloads.iter().map(|w| w.len() + 6).sum::<usize>() + 8;
    let mut text = Vec::with_capacity(size);
    text.extend_from_slice(&frame[..at]);
    text.extend_from_slice(b"\n  \"workloads\": [");
    for (i, workload) in workloads.iter().enumerate() {
        text.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        text.extend_from_slice(workload);
    }
    if !workloads.is_empty() {
        text.extend_from_slice(b"\n  ");
    }
    text.push(b']');
    text.extend_from_slice(&frame[at + EMPTY.len()..]);
    text.push(b'\n');
    String::from_utf8(text).expect("serde_json writes UTF-8")
}

/// The pretty JSON of `value` as it reads when nested `depth` levels
/// deep in a pretty document: its inner lines indented accordingly, its
/// first line not (the caller places it).
fn pretty_at_depth<T: Serialize>(value: &T, depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
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

//! `landfall status --format json`: an external format, described by
//! `schemas/status.schema.json`.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// By name.
    pub workloads: Vec<WorkloadStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadStatus {
    pub name: String,
    /// The application version its replicas run (the newest first when
    /// an upgrade is under way, e.g. `2.4.2, 2.4.1`).
    pub version: String,
    /// By replica number, then container name.
    pub replicas: Vec<ReplicaStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplicaStatus {
    pub container: String,
    /// The engine's word: `running`, `exited`, `created`…
    pub state: String,
    /// Running and, when the workload has one, its readiness probe passes now.
    pub healthy: bool,
    pub ports: Vec<PortStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortStatus {
    pub port: u16,
    /// `127.0.0.1:40123`
    pub host: String,
}

impl Status {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a status serialises");
        text.push('\n');
        text
    }

    /// One line per replica, for people.
    pub fn render(&self, scope: &str) -> String {
        if self.workloads.is_empty() {
            return format!("{scope}: nothing runs\n");
        }
        let mut text = String::new();
        for workload in &self.workloads {
            text.push_str(&format!(
                "{} (version {})\n",
                workload.name, workload.version
            ));
            for replica in &workload.replicas {
                let health = match (replica.state.as_str(), replica.healthy) {
                    ("running", true) => "healthy",
                    ("running", false) => "unhealthy",
                    _ => "down",
                };
                let ports: Vec<String> = replica
                    .ports
                    .iter()
                    .map(|p| format!("{} → {}", p.port, p.host))
                    .collect();
                text.push_str(&format!(
                    "  {}  {}, {}{}\n",
                    replica.container,
                    replica.state,
                    health,
                    if ports.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", ports.join(", "))
                    }
                ));
            }
        }
        text
    }
}

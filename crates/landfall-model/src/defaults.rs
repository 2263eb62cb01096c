//! The built-in values that hold where a document leaves a field out:
//! the schemas' defaults, and the default platform (from the Control Plane
//! workload reference).

/// A container's CPU when `resources.cpu` is omitted.
pub const CONTAINER_CPU: &str = "50m";
/// A container's memory when `resources.memory` is omitted.
pub const CONTAINER_MEMORY: &str = "128Mi";

/// `Platform.spec.blockedPorts` when omitted.
pub const BLOCKED_PORTS: [i64; 11] = [
    8012, 8022, 9090, 9091, 15000, 15001, 15006, 15020, 15021, 15090, 41000,
];
/// `Platform.spec.reservedEnv` when omitted.
pub const RESERVED_ENV: [&str; 3] = ["K_SERVICE", "K_CONFIGURATION", "K_REVISION"];
/// `Platform.spec.maxEnvValueLength` when omitted.
pub const MAX_ENV_VALUE_LENGTH: i64 = 4096;
/// `Platform.spec.maxVolumes` when omitted.
pub const MAX_VOLUMES: i64 = 15;
/// `Platform.spec.reservedMountPaths` when omitted.
pub const RESERVED_MOUNT_PATHS: [&str; 5] = ["/dev", "/dev/log", "/tmp", "/var", "/var/log"];
/// `Platform.spec.resources.cpu` when omitted.
pub const CPU_MIN: &str = "0m";
pub const CPU_MAX: &str = "8000m";
/// `Platform.spec.resources.memory` when omitted.
pub const MEMORY_MIN: &str = "1Mi";
pub const MEMORY_MAX: &str = "8Gi";
/// `Platform.spec.resources.maxMemoryPerCpu` when omitted: MiB per millicore.
pub const MAX_MEMORY_PER_CPU: f64 = 8.0;

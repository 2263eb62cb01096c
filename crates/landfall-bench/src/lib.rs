//! Deterministic generator of realistic landfall spec trees, for benchmarks.
//!
//! [`generate`] writes one `platform.yaml` and one `scopetypes.yaml` at the
//! root, then `apps/app-NNNN/` directories, each with an `application.yaml`,
//! its workload files (one Workload per file, all three workload types) and
//! its scope files, until exactly the requested number of `.yaml` files
//! exist. Every document is meant to be clean under every rule of the
//! landfall rule catalogue: a benchmark run measures the checker, not the
//! rendering of diagnostics.
//!
//! The output depends on the options only: the only randomness is a
//! fixed-seed xorshift generator seeded per application, and nothing reads
//! the clock or the environment.

#![allow(
    clippy::disallowed_methods,
    reason = "a benchmark tool: it writes the spec trees it generates"
)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Options of one generated tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Number of `.yaml` files to write, in total.
    pub files: usize,
    /// Workload files per application (the last few files of the tree may
    /// give some applications one more).
    pub workloads_per_app: usize,
    /// Scope files per application.
    pub scopes_per_app: usize,
    /// The ScopeType of every Scope (one of [`SCOPE_TYPE_NAMES`]); `None`:
    /// by the scope's position (production and staging on `k8s-cluster`,
    /// qa and previews on `compose-host`, dev on `dev-box`).
    pub scope_type: Option<&'static str>,
    /// Also write `policies/acme.policy` ([`POLICIES`], 20 rules) and list
    /// it in the Platform: the policy language's benchmark.
    pub policies: bool,
}

/// The ScopeTypes of [`SCOPE_TYPES`].
pub const SCOPE_TYPE_NAMES: [&str; 3] = ["k8s-cluster", "compose-host", "dev-box"];

impl Default for Options {
    fn default() -> Self {
        Options {
            files: 2_000,
            workloads_per_app: DEFAULT_WORKLOADS_PER_APP,
            scopes_per_app: DEFAULT_SCOPES_PER_APP,
            scope_type: None,
            policies: false,
        }
    }
}

/// Default number of workloads per application.
pub const DEFAULT_WORKLOADS_PER_APP: usize = 5;
/// Default number of scopes per application.
pub const DEFAULT_SCOPES_PER_APP: usize = 1;

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub applications: usize,
    pub workloads: usize,
    pub scopes: usize,
    /// Bytes and lines of the workload files alone.
    pub workload_bytes: u64,
    pub workload_lines: u64,
}

/// Writes the tree into `out`, which must not exist or be an empty directory.
pub fn generate(out: &Path, opts: &Options) -> io::Result<Summary> {
    if opts.workloads_per_app == 0 || opts.scopes_per_app == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "--workloads-per-app and --scopes-per-app must be at least 1",
        ));
    }
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not empty", out.display()),
        ));
    }
    fs::create_dir_all(out)?;
    let mut summary = Summary::default();
    fn write(path: &Path, text: &str, summary: &mut Summary) -> io::Result<()> {
        fs::write(path, text)?;
        summary.files += 1;
        summary.bytes += text.len() as u64;
        Ok(())
    }
    if opts.files >= 1 {
        if opts.policies {
            let platform = format!("{PLATFORM}  policies: [policies/acme.policy]\n");
            write(&out.join("platform.yaml"), &platform, &mut summary)?;
            fs::create_dir_all(out.join("policies"))?;
            // Not a YAML file: not counted in `files`.
            fs::write(out.join("policies/acme.policy"), POLICIES)?;
        } else {
            write(&out.join("platform.yaml"), PLATFORM, &mut summary)?;
        }
    }
    if opts.files >= 2 {
        write(&out.join("scopetypes.yaml"), SCOPE_TYPES, &mut summary)?;
    }
    let layout = layout(opts);
    if !layout.is_empty() {
        fs::create_dir_all(out.join("apps"))?;
    }
    for (index, &(workloads, scopes)) in layout.iter().enumerate() {
        let app = plan_app(index, workloads, scopes);
        let dir = out.join("apps").join(&app.name);
        fs::create_dir_all(&dir)?;
        write(
            &dir.join("application.yaml"),
            &render_application(&app),
            &mut summary,
        )?;
        summary.applications += 1;
        for wl in &app.workloads {
            let text = render_workload(&app, wl);
            write(&dir.join(format!("{}.yaml", wl.name)), &text, &mut summary)?;
            summary.workloads += 1;
            summary.workload_bytes += text.len() as u64;
            summary.workload_lines += text.lines().count() as u64;
        }
        for s in 0..app.scopes {
            let mut scope = scope_plan(s);
            if let Some(scope_type) = opts.scope_type {
                scope.scope_type = scope_type;
            }
            write(
                &dir.join(format!("scope-{}.yaml", scope.name)),
                &render_scope(&app, &scope),
                &mut summary,
            )?;
            summary.scopes += 1;
        }
    }
    Ok(summary)
}

/// Workloads and scopes of each application, so that the tree holds exactly
/// `opts.files` files: the files left over after the last full application
/// become extra workloads of the first applications; a tree too small for
/// one full application gets one smaller application.
pub fn layout(opts: &Options) -> Vec<(usize, usize)> {
    let rest = opts.files.saturating_sub(2);
    let per_app = 1 + opts.workloads_per_app + opts.scopes_per_app;
    let apps = rest / per_app;
    let extra = rest % per_app;
    if apps == 0 {
        return match extra {
            0 => vec![],
            1 => vec![(0, 0)],
            2 => vec![(0, 1)],
            n => {
                let scopes = opts.scopes_per_app.min(n - 2);
                vec![(n - 1 - scopes, scopes)]
            }
        };
    }
    (0..apps)
        .map(|i| {
            let more = extra / apps + usize::from(i < extra % apps);
            (opts.workloads_per_app + more, opts.scopes_per_app)
        })
        .collect()
}

/// xorshift64 with a splitmix64-scrambled seed: small, fast, and the same on
/// every platform.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        XorShift(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// Plans: what each application holds, decided before anything is rendered.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A standard workload serving HTTP.
    Web,
    /// A standard workload without ports (queue consumer).
    Worker,
    Serverless,
    Cron,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Web | Kind::Worker => "standard",
            Kind::Serverless => "serverless",
            Kind::Cron => "cron",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Web => &[
                "web",
                "api",
                "gateway",
                "storefront",
                "admin",
                "catalog",
                "search",
                "graphql",
                "portal",
                "checkout",
            ],
            Kind::Worker => &[
                "worker",
                "consumer",
                "indexer",
                "mailer",
                "sync",
                "projector",
                "dispatcher",
                "ingest",
            ],
            Kind::Serverless => &[
                "webhooks",
                "thumbnails",
                "pricing",
                "notifier",
                "resizer",
                "render",
                "export",
                "preview",
            ],
            Kind::Cron => &[
                "nightly-report",
                "cleanup",
                "backup",
                "reindex",
                "digest",
                "invoice-run",
                "purge-sessions",
                "rollup",
            ],
        }
    }
}

struct Var {
    name: &'static str,
    /// `Some(path)`: a secret reference; `None`: a plain value.
    secret: Option<String>,
    value: String,
}

struct WorkloadPlan {
    name: String,
    kind: Kind,
    /// Indices into `AppPlan::vars` that this workload's main container uses.
    vars: Vec<usize>,
    seed: u64,
}

struct AppPlan {
    index: usize,
    name: String,
    team: &'static str,
    version: (usize, usize, usize),
    region: &'static str,
    vars: Vec<Var>,
    workloads: Vec<WorkloadPlan>,
    scopes: usize,
}

const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "catalog",
    "growth",
    "search",
    "identity",
    "logistics",
    "support",
    "platform",
    "data",
];
const REGIONS: &[&str] = &["eu-west", "us-east", "ap-south"];

const VALUE_VARS: &[(&str, &str)] = &[
    ("FEATURE_FLAGS", "fast-cart,search-v2"),
    ("UPSTREAM_TIMEOUT", "5s"),
    ("SUPPORT_EMAIL", "support@example.com"),
    ("PUBLIC_BASE_URL", "https://{app}.example.com"),
    ("DEFAULT_LOCALE", "en-US"),
    ("BATCH_SIZE", "500"),
];
const SECRET_VARS: &[(&str, &str)] = &[
    ("DB_PASSWORD", "{app}-db/password"),
    ("SESSION_SECRET", "{app}/session-secret"),
    ("PAYMENT_API_KEY", "{app}/payment-api-key"),
    ("SMTP_PASSWORD", "mail/smtp-password"),
    ("WEBHOOK_SIGNING_TOKEN", "{app}/webhook-token"),
];

fn plan_app(index: usize, workloads: usize, scopes: usize) -> AppPlan {
    let mut rng =
        XorShift::new(0x6c61_6e64_6661_6c6c ^ (index as u64).wrapping_mul(0x1000_0000_01b3));
    let name = format!("app-{index:04}");
    let team = *rng.pick(TEAMS);
    let version = (rng.range(1, 4), rng.range(0, 12), rng.range(0, 30));
    let region = *rng.pick(REGIONS);

    let mut vars = Vec::new();
    if workloads > 0 {
        let level = *rng.pick(&["info", "info", "warn", "debug"]);
        vars.push(Var {
            name: "LOG_LEVEL",
            secret: None,
            value: level.to_string(),
        });
        let values = rng.range(1, 3);
        for (var, value) in pick_distinct(&mut rng, VALUE_VARS, values) {
            vars.push(Var {
                name: var,
                secret: None,
                value: value.replace("{app}", &name),
            });
        }
        let secrets = rng.range(1, 2);
        for (var, path) in pick_distinct(&mut rng, SECRET_VARS, secrets) {
            vars.push(Var {
                name: var,
                secret: Some(path.replace("{app}", &name)),
                value: String::new(),
            });
        }
    }

    let mut plans: Vec<WorkloadPlan> = Vec::new();
    for j in 0..workloads {
        let kind = match rng.below(100) {
            0..=34 => Kind::Web,
            35..=49 => Kind::Worker,
            50..=79 => Kind::Serverless,
            _ => Kind::Cron,
        };
        let base = *rng.pick(kind.names());
        let mut wname = base.to_string();
        let mut n = 2;
        while plans.iter().any(|p| p.name == wname) {
            wname = format!("{base}-{n}");
            n += 1;
        }
        plans.push(WorkloadPlan {
            name: wname,
            kind,
            vars: vec![0],
            seed: rng.next_u64() ^ j as u64,
        });
    }
    // Every variable is used: variable k goes to workload (k - 1) mod n,
    // and now and then to another one too.
    if !plans.is_empty() {
        for k in 1..vars.len() {
            let owner = (k - 1) % plans.len();
            for (j, plan) in plans.iter_mut().enumerate() {
                if j == owner || rng.chance(20) {
                    plan.vars.push(k);
                }
            }
        }
    }
    AppPlan {
        index,
        name,
        team,
        version,
        region,
        vars,
        workloads: plans,
        scopes,
    }
}

fn pick_distinct<T: Copy>(rng: &mut XorShift, items: &[T], count: usize) -> Vec<T> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    // Partial Fisher-Yates.
    for i in 0..count.min(idx.len()) {
        let j = i + rng.below(idx.len() - i);
        idx.swap(i, j);
    }
    let mut chosen: Vec<usize> = idx[..count.min(idx.len())].to_vec();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| items[i]).collect()
}

struct ScopePlan {
    name: String,
    environment: &'static str,
    scope_type: &'static str,
}

fn scope_plan(s: usize) -> ScopePlan {
    let (name, environment, scope_type) = match s {
        0 => ("production".to_string(), "production", "k8s-cluster"),
        1 => ("staging".to_string(), "staging", "k8s-cluster"),
        2 => ("qa".to_string(), "qa", "compose-host"),
        3 => ("dev".to_string(), "development", "dev-box"),
        n => (format!("preview-{}", n - 3), "preview", "compose-host"),
    };
    ScopePlan {
        name,
        environment,
        scope_type,
    }
}

// ---------------------------------------------------------------------------
// Rendering.

macro_rules! emit {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// A double-quoted YAML scalar (the generator's strings hold no `"` or `\`).
fn q(s: &str) -> String {
    debug_assert!(!s.contains(['"', '\\']));
    format!("\"{s}\"")
}

fn render_application(app: &AppPlan) -> String {
    let mut o = String::with_capacity(2048);
    let (major, minor, patch) = app.version;
    emit!(o, "# Application {} (team {}).", app.name, app.team);
    emit!(
        o,
        "# Generated by landfall-gen-tree for benchmarks: realistic, deterministic, clean."
    );
    emit!(o, "apiVersion: landfall.dev/v1");
    emit!(o, "kind: Application");
    emit!(o, "metadata:");
    emit!(o, "  name: {}", app.name);
    emit!(o, "  labels:");
    emit!(o, "    team: {}", app.team);
    emit!(o, "    app.kubernetes.io/part-of: {}", app.name);
    emit!(o, "  annotations:");
    emit!(o, "    owner: {}", q(&format!("{}@example.com", app.team)));
    emit!(o, "spec:");
    emit!(o, "  version: {}", q(&format!("{major}.{minor}.{patch}")));
    emit!(
        o,
        "  description: Services of the {} team, application {}",
        app.team,
        app.index
    );
    if !app.vars.is_empty() {
        emit!(o, "  # Referenced as ${{NAME}} in env, command and args.");
        emit!(o, "  variables:");
        for v in &app.vars {
            match &v.secret {
                Some(path) => emit!(o, "    {}: {{secret: {}}}", v.name, path),
                None => emit!(o, "    {}: {{value: {}}}", v.name, q(&v.value)),
            }
        }
        emit!(o, "  # Files mounted by config://NAME volumes.");
        emit!(o, "  configs:");
        emit!(o, "    app-config:");
        emit!(o, "      files:");
        emit!(o, "        app.toml: |");
        emit!(o, "          # rendered at deploy time");
        emit!(o, "          log_level = \"${{LOG_LEVEL}}\"");
        emit!(o, "          region = \"{}\"", app.region);
        emit!(o, "          [http]");
        emit!(o, "          read_timeout = \"15s\"");
        emit!(o, "          write_timeout = \"30s\"");
        emit!(o, "        features.json: |");
        emit!(o, "          {{\"fastCart\": true, \"searchV2\": false}}");
        emit!(o, "    logging:");
        emit!(o, "      files:");
        emit!(o, "        fluent-bit.conf: |");
        emit!(o, "          [SERVICE]");
        emit!(o, "              Flush        5");
        emit!(o, "              Log_Level    info");
        emit!(o, "          [INPUT]");
        emit!(o, "              Name         tail");
        emit!(o, "              Path         /srv/logs/*.log");
        emit!(o, "          [OUTPUT]");
        emit!(o, "              Name         opentelemetry");
        emit!(o, "              Host         otel-collector.observability");
        emit!(o, "              Port         4318");
    }
    emit!(o, "  onVariableChange: restart");
    emit!(o, "  # First match wins.");
    emit!(o, "  upgradeFrom:");
    emit!(o, "    - versionRegexp: '{major}\\.{minor}\\..*'");
    emit!(o, "      strategy: rolling");
    emit!(o, "      maxParallel: 1");
    emit!(o, "      healthyTime: 1m");
    emit!(o, "    - versionRegexp: '{major}\\..*'");
    emit!(o, "      strategy: recreate");
    o
}

struct Res {
    cpu_m: usize,
    mem_mi: usize,
}

impl Res {
    fn pick(rng: &mut XorShift, mems: &[usize]) -> Res {
        let mem_mi = *rng.pick(mems);
        // cpu >= memory / 8 (MiB per millicore), with headroom.
        let cpus: Vec<usize> = [50, 100, 250, 500, 750, 1000, 1500, 2000]
            .into_iter()
            .filter(|&c| c * 8 >= mem_mi)
            .collect();
        let cpu_m = cpus[rng.below(cpus.len().min(4))];
        Res { cpu_m, mem_mi }
    }

    fn memory(&self) -> String {
        if self.mem_mi % 1024 == 0 {
            format!("{}Gi", self.mem_mi / 1024)
        } else {
            format!("{}Mi", self.mem_mi)
        }
    }
}

const LITERAL_ENV: &[(&str, &str)] = &[
    ("LOG_FORMAT", "json"),
    ("TZ", "UTC"),
    ("LANG", "C.UTF-8"),
    ("GOMAXPROCS", "2"),
    ("HTTP_READ_TIMEOUT", "15s"),
    ("DB_HOST", "{app}-db.internal.example.com"),
    ("DB_PORT", "5432"),
    ("DB_POOL_SIZE", "10"),
    (
        "REDIS_URL",
        "redis://{app}-cache.internal.example.com:6379/0",
    ),
    ("CACHE_TTL_SECONDS", "300"),
    ("FEATURE_NEW_CHECKOUT", "false"),
    ("METRICS_ENABLED", "true"),
    ("MAX_BODY_BYTES", "1048576"),
    ("RETRY_BACKOFF", "250ms"),
    ("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"),
    ("NODE_ENV", "production"),
    ("QUEUE_URL", "amqp://queue.internal.example.com:5672/{app}"),
    ("S3_BUCKET", "{app}-assets"),
    ("TRACE_SAMPLE_RATIO", "0.05"),
    (
        "ALLOWED_ORIGINS",
        "https://{app}.example.com,https://admin.example.com",
    ),
];

const SIDECARS: &[&str] = &["log-shipper", "otel-agent", "cloud-sql-proxy"];

fn render_workload(app: &AppPlan, wl: &WorkloadPlan) -> String {
    let mut rng = XorShift::new(wl.seed);
    let mut o = String::with_capacity(4096);
    let (major, minor, patch) = app.version;
    let tag = format!("{major}.{minor}.{patch}");
    let kind = wl.kind;
    let about = match kind {
        Kind::Web => "serves HTTP for the application; scales on traffic",
        Kind::Worker => "consumes the application's queue; no ports, command probes",
        Kind::Serverless => "request-driven, scales with load and may scale to zero",
        Kind::Cron => "runs on a schedule and exits; no ports, no scaling",
    };
    emit!(o, "# {} / {}: {}", app.name, wl.name, about);
    emit!(
        o,
        "# Owner: team {}. On-call: see the runbook annotation below.",
        app.team
    );
    emit!(o, "apiVersion: landfall.dev/v1");
    emit!(o, "kind: Workload");
    emit!(o, "metadata:");
    emit!(o, "  name: {}", wl.name);
    emit!(o, "  application: {}", app.name);
    emit!(o, "  labels:");
    emit!(o, "    team: {}", app.team);
    let tier = match kind {
        Kind::Web => "frontend",
        Kind::Worker | Kind::Serverless => "backend",
        Kind::Cron => "batch",
    };
    emit!(o, "    tier: {tier}");
    emit!(o, "    app.kubernetes.io/part-of: {}", app.name);
    emit!(o, "    app.kubernetes.io/component: {}", wl.name);
    emit!(o, "  annotations:");
    emit!(
        o,
        "    runbook: {}",
        q(&format!(
            "https://runbooks.example.com/{}/{}",
            app.name, wl.name
        ))
    );
    emit!(o, "    owner: {}", q(&format!("{}@example.com", app.team)));
    emit!(o, "spec:");
    emit!(o, "  type: {}", kind.type_name());
    emit!(o, "  containers:");

    // ---- main container
    let has_admin = kind == Kind::Web && rng.chance(50);
    let has_grpc = kind == Kind::Web && rng.chance(25);
    let serving = matches!(kind, Kind::Web | Kind::Serverless);
    emit!(o, "    # Main container.");
    emit!(o, "    - name: {}", wl.name);
    emit!(
        o,
        "      image: registry.example.com/{}/{}:{}",
        app.name,
        wl.name,
        tag
    );
    let bin = format!("/usr/local/bin/{}", wl.name);
    emit!(o, "      command: [{bin}]");
    match kind {
        Kind::Web | Kind::Serverless => emit!(
            o,
            "      args: [--listen, \":8080\", --log-level, \"${{LOG_LEVEL}}\"]"
        ),
        Kind::Worker => emit!(
            o,
            "      args: [--queue, {}, --concurrency, \"{}\"]",
            wl.name,
            rng.range(2, 16)
        ),
        Kind::Cron => emit!(o, "      args: [run, --since, 24h, --dry-run=false]"),
    }
    emit!(o, "      workingDir: /app");
    emit!(o, "      user: \"1000:1000\"");
    if serving {
        emit!(o, "      ports:");
        emit!(o, "        - port: 8080");
        emit!(o, "          protocol: http");
        if has_admin {
            emit!(o, "        - port: 8081     # admin and metrics");
            emit!(o, "          protocol: http");
        }
        if has_grpc {
            emit!(o, "        - port: 50051");
            emit!(o, "          protocol: grpc");
        }
    }
    let res = match kind {
        Kind::Web => Res::pick(&mut rng, &[256, 512, 768, 1024, 2048]),
        Kind::Worker => Res::pick(&mut rng, &[512, 1024, 1536, 2048]),
        Kind::Serverless => Res::pick(&mut rng, &[128, 256, 512]),
        Kind::Cron => Res::pick(&mut rng, &[256, 512, 1024, 4096]),
    };
    emit!(o, "      resources:                 # cpu >= memory / 8");
    emit!(o, "        cpu: {}m", res.cpu_m);
    emit!(o, "        memory: {}", res.memory());
    emit!(o, "      env:");
    if kind == Kind::Serverless && rng.chance(50) {
        emit!(o, "        PORT: \"8080\"");
    }
    for &k in &wl.vars {
        emit!(o, "        {name}: ${{{name}}}", name = app.vars[k].name);
    }
    emit!(o, "        OTEL_SERVICE_NAME: {}", q(&wl.name));
    emit!(
        o,
        "        OTEL_EXPORTER_OTLP_ENDPOINT: \"http://otel-collector.observability:4317\""
    );
    let literals = if kind == Kind::Cron {
        rng.range(7, 11)
    } else {
        rng.range(4, 8)
    };
    for (name, value) in pick_distinct(&mut rng, LITERAL_ENV, literals) {
        emit!(
            o,
            "        {name}: {}",
            q(&value.replace("{app}", &app.name))
        );
    }
    // Probes.
    emit!(o, "      probes:");
    match kind {
        Kind::Web | Kind::Serverless => {
            emit!(o, "        readiness:");
            emit!(o, "          http:");
            emit!(o, "            path: /healthz");
            emit!(o, "            port: 8080");
            emit!(o, "          initialDelay: {}s", rng.range(0, 5));
            emit!(o, "          period: 10s");
            emit!(o, "          timeout: {}s", rng.range(1, 3));
            emit!(o, "          successThreshold: 1");
            emit!(o, "          failureThreshold: {}", rng.range(2, 5));
            emit!(o, "        liveness:");
            if has_admin {
                emit!(o, "          http:");
                emit!(o, "            path: /livez");
                emit!(o, "            port: 8081");
            } else {
                emit!(o, "          tcp:");
                emit!(o, "            port: 8080");
            }
            emit!(o, "          initialDelay: 10s");
            emit!(o, "          period: 20s");
            emit!(o, "          timeout: 2s");
            emit!(o, "          failureThreshold: {}", rng.range(3, 6));
            if rng.chance(60) {
                emit!(o, "        startup:");
                emit!(o, "          tcp:");
                emit!(o, "            port: 8080");
                emit!(o, "          period: 5s");
                emit!(o, "          timeout: 1s");
                emit!(
                    o,
                    "          failureThreshold: {}   # at most 20",
                    rng.range(10, 20)
                );
            }
        }
        Kind::Worker | Kind::Cron => {
            emit!(o, "        liveness:");
            emit!(o, "          exec:");
            emit!(o, "            command: [{bin}, healthcheck]");
            emit!(o, "          initialDelay: 15s");
            emit!(o, "          period: 30s");
            emit!(o, "          timeout: 5s");
            emit!(o, "          failureThreshold: 3");
            if kind == Kind::Worker {
                emit!(o, "        startup:");
                emit!(o, "          exec:");
                emit!(o, "            command: [{bin}, ping-dependencies]");
                emit!(o, "          period: 5s");
                emit!(o, "          timeout: 2s");
                emit!(o, "          failureThreshold: {}", rng.range(6, 20));
            }
        }
    }
    // Volumes: every path unique in the workload.
    emit!(o, "      volumes:");
    emit!(o, "        - uri: config://app-config   # read-only");
    emit!(o, "          path: /etc/{}", wl.name);
    emit!(o, "        - uri: scratch://{}-cache", wl.name);
    emit!(o, "          path: /cache");
    if rng.chance(50) {
        emit!(
            o,
            "        - uri: secret://{}-tls   # resolved at deploy time",
            app.name
        );
        emit!(o, "          path: /etc/tls");
    }
    if matches!(kind, Kind::Web | Kind::Worker) && rng.chance(40) {
        emit!(o, "        - uri: volume://{}-data   # persistent", wl.name);
        emit!(o, "          path: /data");
    }
    emit!(o, "        - uri: scratch://{}-logs", wl.name);
    emit!(o, "          path: /srv/logs");
    if kind != Kind::Cron {
        emit!(o, "      lifecycle:");
        emit!(o, "        postStart: {{exec: [{bin}, warm-up]}}");
        emit!(
            o,
            "        preStop: {{exec: [/bin/sh, -c, \"sleep 5 && {bin} drain\"]}}"
        );
    }

    // ---- sidecars: no ports (only one container may serve traffic).
    let sidecars = match kind {
        Kind::Web | Kind::Worker => rng.range(1, 2),
        Kind::Serverless => rng.range(0, 2),
        Kind::Cron => rng.range(1, 2),
    };
    for name in pick_distinct(&mut rng, SIDECARS, sidecars) {
        render_sidecar(&mut o, app, wl, name);
    }

    // ---- workload-level settings
    match kind {
        Kind::Web => {
            emit!(o, "  scaling:");
            match rng.below(3) {
                0 => {
                    emit!(
                        o,
                        "    metric: latency                # standard only; needs a percentile"
                    );
                    emit!(o, "    target: {}", rng.range(4, 10) * 50);
                    emit!(o, "    percentile: {}", rng.pick(&["p50", "p75", "p99"]));
                }
                1 => {
                    emit!(o, "    metric: rps");
                    emit!(o, "    target: {}", rng.range(2, 20) * 10);
                }
                _ => {
                    emit!(o, "    metric: cpu");
                    emit!(o, "    target: {}", rng.range(60, 80));
                }
            }
            let min = rng.range(1, 3);
            emit!(o, "    minScale: {min}");
            emit!(o, "    maxScale: {}", min + rng.range(2, 18));
            emit!(o, "  capacityAI: false");
            emit!(o, "  timeout: {}s", rng.pick(&[15, 30, 60, 120]));
            emit!(o, "  expose:");
            emit!(o, "    visibility: {}", rng.pick(&["public", "internal"]));
            emit!(o, "    inbound:");
            emit!(o, "      - 0.0.0.0/0");
            emit!(
                o,
                "    outbound:                    # internal networks only"
            );
            emit!(o, "      - 10.0.0.0/8");
            emit!(o, "      - 172.16.0.0/12");
            emit!(o, "  rollout:");
            emit!(o, "    minReadySeconds: {}", rng.range(0, 30));
            emit!(o, "    maxUnavailable: 1");
            emit!(o, "    maxSurge: 25%");
        }
        Kind::Worker => {
            if rng.chance(70) {
                emit!(o, "  scaling:");
                emit!(o, "    metric: cpu");
                emit!(o, "    target: {}", rng.range(60, 85));
                emit!(o, "    minScale: 1");
                emit!(o, "    maxScale: {}", rng.range(2, 12));
                emit!(
                    o,
                    "  capacityAI: false               # never with cpu scaling"
                );
            } else {
                emit!(o, "  # No scaling block: one replica.");
                emit!(o, "  capacityAI: true");
            }
            emit!(o, "  expose:");
            emit!(o, "    visibility: private");
            emit!(o, "    outbound: [0.0.0.0/0]");
            emit!(
                o,
                "  rollout: {{minReadySeconds: 30, maxUnavailable: 0, maxSurge: 1}}"
            );
        }
        Kind::Serverless => {
            emit!(o, "  scaling:");
            let concurrency = rng.chance(50);
            if concurrency {
                emit!(o, "    metric: concurrency            # serverless only");
                emit!(o, "    target: {}", rng.range(2, 20) * 10);
            } else {
                emit!(o, "    metric: rps");
                emit!(o, "    target: {}", rng.range(2, 30) * 10);
            }
            let to_zero = rng.chance(60);
            emit!(o, "    minScale: {}", usize::from(!to_zero));
            emit!(o, "    maxScale: {}", rng.range(3, 50));
            if to_zero {
                emit!(o, "    scaleToZeroDelay: {}m", rng.range(1, 15));
            }
            if concurrency {
                emit!(o, "    maxConcurrency: {}", rng.range(1, 10) * 100);
            }
            emit!(o, "  capacityAI: {}", rng.chance(50));
            emit!(o, "  timeout: {}s", rng.pick(&[10, 30, 60, 300]));
            emit!(o, "  expose:");
            emit!(o, "    visibility: public");
            emit!(o, "    inbound: [0.0.0.0/0]");
            emit!(o, "    outbound: [0.0.0.0/0]");
            emit!(o, "  rollout:                       # fast cutover");
            emit!(o, "    minReadySeconds: 0");
            emit!(o, "    maxUnavailable: 1");
            emit!(o, "    maxSurge: 100%");
        }
        Kind::Cron => {
            emit!(
                o,
                "  # The schedule is UTC. Forbid skips a run while the previous one"
            );
            emit!(
                o,
                "  # is still going; Replace stops it. activeDeadlineSeconds bounds"
            );
            emit!(o, "  # one run, historyLimit the runs kept for inspection.");
            emit!(o, "  job:");
            let (m, h) = (rng.range(0, 59), rng.range(0, 23));
            let schedule = match rng.below(5) {
                0 => format!("{m} {h} * * *"),
                1 => format!("{m} */6 * * *"),
                2 => format!("0 {h} * * 1-5"),
                3 => format!("{m} {h} 1 * *"),
                _ => "*/15 * * * *".to_string(),
            };
            emit!(
                o,
                "    schedule: {}          # five-field cron, UTC",
                q(&schedule)
            );
            emit!(
                o,
                "    concurrencyPolicy: {}",
                rng.pick(&["Forbid", "Replace"])
            );
            emit!(
                o,
                "    restartPolicy: {}",
                rng.pick(&["Never", "OnFailure"])
            );
            emit!(o, "    historyLimit: {}", rng.range(1, 10));
            emit!(o, "    activeDeadlineSeconds: {}", rng.range(1, 12) * 300);
            emit!(o, "    suspend: false");
            emit!(o, "  expose:");
            emit!(o, "    visibility: private");
            emit!(o, "    outbound: [10.0.0.0/8]");
        }
    }
    emit!(o, "  security:");
    emit!(o, "    runAsNonRoot: true");
    emit!(o, "    readOnlyRootFilesystem: true");
    emit!(o, "    fsGroup: 1000");
    o
}

fn render_sidecar(o: &mut String, app: &AppPlan, wl: &WorkloadPlan, name: &str) {
    match name {
        "log-shipper" => {
            emit!(
                o,
                "    # Sidecar: ships the main container's logs to the collector."
            );
            emit!(o, "    - name: log-shipper");
            emit!(
                o,
                "      image: registry.example.com/platform/log-shipper:3.2.1"
            );
            emit!(
                o,
                "      args: [--config, /etc/log-shipper/fluent-bit.conf, --storage, /buffer/log-shipper]"
            );
            emit!(o, "      resources:");
            emit!(o, "        cpu: 50m");
            emit!(o, "        memory: 64Mi");
            emit!(o, "      env:");
            emit!(o, "        OTEL_SERVICE_NAME: {}", q(&wl.name));
            emit!(o, "        FLUSH_INTERVAL: \"5s\"");
            emit!(o, "        LOG_FORMAT: \"json\"");
            emit!(o, "      probes:");
            emit!(o, "        liveness:");
            emit!(
                o,
                "          exec: {{command: [/usr/local/bin/healthcheck]}}"
            );
            emit!(o, "          period: 30s");
            emit!(o, "          timeout: 5s");
            emit!(o, "          failureThreshold: 3");
            emit!(o, "      volumes:");
            emit!(o, "        - uri: config://logging");
            emit!(o, "          path: /etc/log-shipper");
            emit!(o, "        - uri: scratch://log-buffer");
            emit!(o, "          path: /buffer/log-shipper");
        }
        "otel-agent" => {
            emit!(
                o,
                "    # Sidecar: collects traces and metrics and forwards them."
            );
            emit!(o, "    - name: otel-agent");
            emit!(
                o,
                "      image: registry.example.com/platform/otel-agent:0.98.0"
            );
            emit!(o, "      args: [--config, /etc/otel/agent.yaml]");
            emit!(o, "      resources:");
            emit!(o, "        cpu: 100m");
            emit!(o, "        memory: 128Mi");
            emit!(o, "      env:");
            emit!(
                o,
                "        OTEL_RESOURCE_ATTRIBUTES: {}",
                q(&format!(
                    "service.namespace={},deployment.region={}",
                    app.name, app.region
                ))
            );
            emit!(o, "        GOMEMLIMIT: \"100MiB\"");
            emit!(o, "      probes:");
            emit!(o, "        liveness:");
            emit!(o, "          exec: {{command: [/otelcol, --health]}}");
            emit!(o, "          period: 20s");
            emit!(o, "          timeout: 3s");
            emit!(o, "          failureThreshold: 5");
            emit!(o, "      volumes:");
            emit!(o, "        - uri: scratch://otel-queue");
            emit!(o, "          path: /queue/otel");
        }
        _ => {
            emit!(
                o,
                "    # Sidecar: a local proxy to the managed database (no exposed port)."
            );
            emit!(o, "    - name: cloud-sql-proxy");
            emit!(
                o,
                "      image: registry.example.com/platform/cloud-sql-proxy:2.11.0"
            );
            emit!(
                o,
                "      args: [\"--address=127.0.0.1\", \"--port=5432\", \"acme:{}:{}-db\"]",
                app.region,
                app.name
            );
            emit!(o, "      resources:");
            emit!(o, "        cpu: 100m");
            emit!(o, "        memory: 128Mi");
            emit!(o, "      env:");
            emit!(o, "        INSTANCE_REGION: {}", q(app.region));
            emit!(o, "        MAX_CONNECTIONS: \"50\"");
            emit!(o, "      probes:");
            emit!(o, "        liveness:");
            emit!(
                o,
                "          exec: {{command: [/cloud-sql-proxy, --version]}}"
            );
            emit!(o, "          period: 30s");
            emit!(o, "          timeout: 5s");
            emit!(o, "          failureThreshold: 3");
            emit!(o, "      volumes:");
            emit!(
                o,
                "        - uri: secret://{}-db-client   # read-only",
                app.name
            );
            emit!(o, "          path: /secrets/db");
        }
    }
}

fn render_scope(app: &AppPlan, scope: &ScopePlan) -> String {
    let mut o = String::with_capacity(1024);
    emit!(
        o,
        "# Scope {} of {}: environment {}, region {}.",
        scope.name,
        app.name,
        scope.environment,
        app.region
    );
    emit!(o, "apiVersion: landfall.dev/v1");
    emit!(o, "kind: Scope");
    emit!(o, "metadata:");
    emit!(o, "  name: {}", scope.name);
    emit!(o, "  application: {}", app.name);
    emit!(o, "  labels:");
    emit!(o, "    team: {}", app.team);
    emit!(o, "spec:");
    emit!(o, "  type: {}", scope.scope_type);
    emit!(
        o,
        "  dimensions:                     # every active dimension is set"
    );
    emit!(o, "    environment: {}", scope.environment);
    emit!(o, "    region: {}", app.region);
    emit!(o, "  parameters:");
    match scope.scope_type {
        "k8s-cluster" => {
            emit!(o, "    namespace: {}-{}", app.name, scope.name);
            let public = scope.environment == "production";
            emit!(
                o,
                "    visibility: {}",
                if public { "public" } else { "internal" }
            );
            emit!(o, "    ramMemory: {}", if public { 4096 } else { 1024 });
        }
        "compose-host" => {
            emit!(o, "    projectName: {}-{}", app.name, scope.name);
            emit!(o, "    restartPolicy: unless-stopped");
        }
        _ => {
            emit!(o, "    engine: podman");
            emit!(o, "    pullPolicy: missing");
        }
    }
    if app.workloads.is_empty() {
        emit!(o, "  workloads: []");
    } else {
        emit!(o, "  workloads:");
        for wl in &app.workloads {
            emit!(o, "    - {}", wl.name);
        }
    }
    o
}

/// The root `platform.yaml`.
pub const PLATFORM: &str = r#"# The platform team's rules for every application in this tree.
# Generated by landfall-gen-tree for benchmarks.
apiVersion: landfall.dev/v1
kind: Platform
metadata:
  name: acme
  labels:
    team: platform
spec:
  # Every active dimension must be set on every Scope.
  dimensions:
    - name: environment
      values:
        - {name: production}
        - {name: staging}
        - {name: qa}
        - {name: development}
        - {name: preview}
        - {name: legacy, status: inactive}
    - name: region
      values:
        - {name: eu-west}
        - {name: us-east}
        - {name: ap-south}
  blockedPorts: [8012, 8022, 9090, 9091, 15000, 15001, 15006, 15020, 15021, 15090, 41000]
  resources:
    cpu: {min: 0m, max: 8000m}
    memory: {min: 1Mi, max: 8Gi}
    maxMemoryPerCpu: 8           # MiB per millicore: cpu >= memory / 8
  reservedEnv: [K_SERVICE, K_CONFIGURATION, K_REVISION]
  maxEnvValueLength: 4096
  maxVolumes: 15
  reservedMountPaths: [/dev, /dev/log, /tmp, /var, /var/log]
  rules:
    plaintext-secret: error
"#;

/// The 20 policy rules of the policy benchmark: the kinds of rules platform
/// teams write, over every kind of document and every language feature.
pub const POLICIES: &str = r#"# The platform team's own rules. Generated by landfall-gen-tree.

rule no-latest-tag: warning
  "images are pinned to a version"
  for container in workload.containers
  deny container.image.endsWith(":latest") or not container.image.contains(":")
  message "image {container.image} is not pinned"

rule our-registry: error
  "images come from our registries"
  for container in workload.containers
  require container.image.matches('^(registry\.example\.com|ghcr\.io)/')
  at container.image

rule prod-min-replicas: error
  "production workloads run at least two replicas"
  for scope in scopes where scope.dimensions.environment == "production"
  for workload in scope.workloads where workload.type == "standard"
  require workload.scaling.minScale >= 1
  at workload.scaling.minScale
  message "{workload.metadata.name} runs {workload.scaling.minScale} replica(s) in production"

rule memory-cap: error
  for container in workload.containers
  require container.resources.memory <= 4Gi

rule cpu-cap: error
  for container in workload.containers
  require container.resources.cpu <= 4

rule team-label: warning
  "every workload names its team"
  require "team" in workload.metadata.labels and workload.metadata.labels.team != null
  message "{workload.metadata.name} has no `team` label"

rule timeout-cap: error
  require not exists(workload.timeout) or workload.timeout <= 10m
  at workload.timeout

rule probe-period: warning
  for container in workload.containers where exists(container.probes.readiness)
  require container.probes.readiness.period <= 1m
  at container.probes.readiness.period

rule ports-in-range: error
  for container in workload.containers
  for port in container.ports
  require port.port >= 1024 and port.port < 65000
  at port.port

rule scaling-headroom: warning
  require workload.scaling.maxScale - workload.scaling.minScale <= 500
  at workload.scaling.maxScale

rule cron-history: info
  for w in workloads where w.type == "cron"
  require w.job.historyLimit <= 100
  at w.job.historyLimit

rule mount-paths: error
  for container in workload.containers
  for volume in container.volumes
  deny volume.path.startsWith("/etc/passwd")
  at volume.path

rule env-count: warning
  for container in workload.containers
  require container.env.size() <= 64

rule no-debug-env: error
  for container in workload.containers
  deny "DEBUG_ALL" in container.env

rule version-format: error
  require application.version.matches('^[0-9]+\.[0-9]+\.[0-9]+')
  at application.version

rule scope-region: error
  for scope in scopes
  require scope.dimensions.region in ["eu-west", "us-east", "ap-south"]
  at scope.dimensions

rule scope-has-workloads: warning
  require scope.workloads.size() > 0 and scope.metadata.labels["team"] != null

rule scope-type-targets: error
  require scopeType.target in ["kubernetes", "compose", "local"]

rule platform-volumes: error
  require platform.maxVolumes <= 32

rule application-of-workload: error
  require workload.application.metadata.name == workload.metadata.application
"#;

/// The root `scopetypes.yaml`.
pub const SCOPE_TYPES: &str = r#"# Scope types offered by the platform team.
# Generated by landfall-gen-tree for benchmarks.
apiVersion: landfall.dev/v1
kind: ScopeType
metadata:
  name: k8s-cluster
spec:
  description: Services and jobs on the shared Kubernetes cluster
  target: kubernetes
  workloadTypes: [standard, serverless, cron]
  allowOverlap: true
  capabilities: {customDomains: true, stopScope: true}
  parameters:
    type: object
    required: [namespace, visibility]
    additionalProperties: false
    properties:
      namespace:
        type: string
        pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'
        maxLength: 63
      visibility:
        enum: [public, internal]
        default: internal
      ramMemory:
        enum: [512, 1024, 2048, 4096, 8192, 16384]
        default: 2048
      ingressClass:
        type: string
        default: nginx
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata:
  name: compose-host
spec:
  description: A single host running Docker Compose
  target: compose
  workloadTypes: [standard, serverless, cron]
  allowOverlap: true
  capabilities: {customDomains: false, stopScope: true}
  parameters:
    type: object
    additionalProperties: false
    properties:
      projectName:
        type: string
        pattern: '^[a-z0-9][a-z0-9_-]*$'
        default: landfall
      restartPolicy:
        enum: [always, unless-stopped, on-failure]
        default: unless-stopped
      hostPortOffset:
        type: integer
        minimum: 0
        maximum: 10000
        default: 0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata:
  name: dev-box
spec:
  description: A developer's machine, run with podman or docker
  target: local
  workloadTypes: [standard, serverless, cron]
  allowOverlap: false
  capabilities: {customDomains: false, stopScope: true}
  parameters:
    type: object
    additionalProperties: false
    properties:
      engine:
        enum: [podman, docker]
        default: podman
      pullPolicy:
        enum: [always, missing, never]
        default: missing
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("landfall-bench-{}-{}", std::process::id(), tag));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    /// Every file below `dir`, as (relative path, bytes), sorted.
    fn read_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap().to_path_buf();
                    out.push((rel, fs::read(&path).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    #[test]
    fn same_options_give_identical_trees_with_exactly_n_files() {
        let opts = Options {
            files: 150,
            workloads_per_app: 5,
            scopes_per_app: 2,
            scope_type: None,
            policies: false,
        };
        let (a, b) = (temp_dir("a"), temp_dir("b"));
        let sa = generate(&a, &opts).unwrap();
        let sb = generate(&b, &opts).unwrap();
        let (ta, tb) = (read_tree(&a), read_tree(&b));
        let _ = fs::remove_dir_all(&a);
        let _ = fs::remove_dir_all(&b);
        assert_eq!(sa, sb);
        assert_eq!(sa.files, 150);
        assert_eq!(ta.len(), 150);
        assert!(
            ta.iter()
                .all(|(p, _)| p.extension().is_some_and(|e| e == "yaml"))
        );
        assert!(ta == tb, "two runs with the same options differ");
    }

    #[test]
    fn layout_counts_every_file() {
        for files in 0..60 {
            for w in 1..4 {
                for s in 1..4 {
                    let opts = Options {
                        files,
                        workloads_per_app: w,
                        scopes_per_app: s,
                        scope_type: None,
                        policies: false,
                    };
                    let total: usize =
                        layout(&opts).iter().map(|&(w, s)| 1 + w + s).sum::<usize>() + files.min(2);
                    assert_eq!(total, files, "{opts:?}");
                }
            }
        }
        let opts = Options {
            files: 14_002,
            workloads_per_app: 5,
            scopes_per_app: 1,
            scope_type: None,
            policies: false,
        };
        let l = layout(&opts);
        assert_eq!(l.len(), 2_000);
        assert!(l.iter().all(|&p| p == (5, 1)));
    }

    #[test]
    fn one_scope_type_for_every_scope_when_asked() {
        let opts = Options {
            files: 12,
            workloads_per_app: 8,
            scopes_per_app: 2,
            scope_type: Some("dev-box"),
            policies: false,
        };
        let dir = temp_dir("scope-type");
        generate(&dir, &opts).unwrap();
        let tree = read_tree(&dir);
        let _ = fs::remove_dir_all(&dir);
        let scopes: Vec<String> = tree
            .iter()
            .filter(|(p, _)| p.to_string_lossy().contains("scope-"))
            .map(|(_, text)| String::from_utf8(text.clone()).unwrap())
            .collect();
        assert_eq!(scopes.len(), 2);
        assert!(scopes.iter().all(|s| s.contains("  type: dev-box\n")));
    }

    #[test]
    fn workload_names_are_unique_and_every_variable_is_used() {
        for index in 0..200 {
            let app = plan_app(index, 7, 1);
            let mut names: Vec<&str> = app.workloads.iter().map(|w| w.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), 7);
            for k in 0..app.vars.len() {
                assert!(app.workloads.iter().any(|w| w.vars.contains(&k)));
            }
        }
    }
}

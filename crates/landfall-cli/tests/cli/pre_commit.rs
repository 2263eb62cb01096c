//! The real pre-commit framework runs the hook of `.pre-commit-hooks.yaml`
//! (`pre-commit try-repo`, which builds it with `cargo install --path .`)
//! on a temporary git repository: a good spec passes, a bad one is refused
//! with its finding on the right line, and names resolve across the
//! repository although only the changed file is passed.
//!
//! Needs `pre-commit` on the PATH (`.ci/run` installs it from PyPI); the
//! test fails without it.
//!
//! The hook is built as a user's first `git commit` builds it (`cargo
//! install` with the release profile), and the time that takes is printed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn try_repo(dir: &Path, home: &Path) -> Output {
    let this_repo = env!("CARGO_MANIFEST_DIR");
    // One target directory across runs: only the first run of the test
    // binary builds the hook from nothing.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-target");
    let fresh_target = !target.join("release").exists();
    // pre-commit installs the hook on its first use in a PRE_COMMIT_HOME.
    let installs = !home.exists();
    let started = Instant::now();
    let output = Command::new("pre-commit")
        .args(["try-repo", this_repo, "landfall", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `pre-commit` ({e}): install it with `pip install pre-commit` (.ci/run does)")
        });
    if installs {
        // Written to the process's stderr itself, which the test harness
        // does not capture: the time shows in every `cargo test` log.
        let what = if fresh_target {
            "first install, built from nothing"
        } else {
            "install, reusing an earlier run's build"
        };
        let _ = writeln!(
            std::io::stderr(),
            "pre-commit hook {what}, with its first run: {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    output
}

const SHOP: &str = "apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: \"1.0.0\"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
";

const API: &str = "apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
";

#[test]
fn the_hook_passes_a_good_spec_and_refuses_a_bad_one() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let home = work.path().join("pre-commit-home");
    std::fs::create_dir_all(repo.join("specs")).unwrap();
    git(&repo, &["init", "-q"]);
    // The application and its scope are committed; only the workload is
    // staged, so the hook gets that one file and must find `shop` itself.
    std::fs::write(repo.join("specs/shop.yaml"), SHOP).unwrap();
    std::fs::write(
        repo.join("ci.yaml"),
        "on: push\njobs: {test: {runs-on: ubuntu-latest}}\n",
    )
    .unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "shop"]);

    std::fs::write(repo.join("specs/api.yaml"), API).unwrap();
    std::fs::write(repo.join("ci.yaml"), "on: [push]\n").unwrap();
    git(&repo, &["add", "."]);
    let good = try_repo(&repo, &home);
    let good_text = text_of(&good);
    assert_eq!(good.status.code(), Some(0), "{good_text}");
    assert!(
        good_text.contains("landfall") && good_text.contains("Passed"),
        "{good_text}"
    );
    git(&repo, &["commit", "-q", "-m", "api"]);

    std::fs::write(
        repo.join("specs/api.yaml"),
        API.replace("port: 8080", "port: 9090"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let bad = try_repo(&repo, &home);
    let bad_text = text_of(&bad);
    assert_eq!(bad.status.code(), Some(1), "{bad_text}");
    assert!(bad_text.contains("Failed"), "{bad_text}");
    assert!(
        bad_text.contains("error[blocked-port]: port 9090 is blocked by the platform"),
        "{bad_text}"
    );
    assert!(bad_text.contains("┌─ specs/api.yaml:10:18"), "{bad_text}");
}

/// pre-commit's output, both streams.
fn text_of(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A commit's consequences are its findings: renaming a workload breaks
/// the Scope that lists it, in a file the commit does not touch; deleting
/// the workload's file (a commit pre-commit passes no file for) does too.
#[test]
fn the_hook_reports_what_a_rename_or_a_deletion_breaks_elsewhere() {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    let home = work.path().join("pre-commit-home");
    std::fs::create_dir_all(repo.join("specs")).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("specs/shop.yaml"), SHOP).unwrap();
    std::fs::write(repo.join("specs/api.yaml"), API).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "shop"]);

    // The rename: only api.yaml changes; the finding is in shop.yaml.
    std::fs::write(
        repo.join("specs/api.yaml"),
        API.replace("name: api, application", "name: api-v2, application"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let renamed = try_repo(&repo, &home);
    let text = text_of(&renamed);
    assert_eq!(renamed.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[unresolved-reference]: no Workload named `api` in application `shop`"),
        "{text}"
    );
    assert!(text.contains("┌─ specs/shop.yaml:14:31"), "{text}");
    assert!(text.contains("did you mean `api-v2`?"), "{text}");

    // The deletion: nothing is passed to the hook, which still runs.
    git(&repo, &["checkout", "-q", "--", "."]);
    git(&repo, &["reset", "-q", "--hard"]);
    git(&repo, &["rm", "-q", "specs/api.yaml"]);
    let deleted = try_repo(&repo, &home);
    let text = text_of(&deleted);
    assert_eq!(deleted.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[unresolved-reference]: no Workload named `api` in application `shop`"),
        "{text}"
    );
    assert!(text.contains("┌─ specs/shop.yaml:14:31"), "{text}");

    // A commit that breaks nothing passes.
    git(&repo, &["reset", "-q", "--hard"]);
    std::fs::write(
        repo.join("specs/api.yaml"),
        API.replace("cpu: 500m", "cpu: 250m"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let good = try_repo(&repo, &home);
    let text = text_of(&good);
    assert_eq!(good.status.code(), Some(0), "{text}");
}

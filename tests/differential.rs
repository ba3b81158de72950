//! Accepted means it runs (issue 10, point 8): generated files over the
//! whole language, each one that `onefront::check` accepts compiled and fed
//! to the real tools, which must accept every deployment and give every
//! container the environment the source asked for.
//!
//! For each generated file (`support::generate`, proptest strategies that
//! shrink a failure to a small file), every deployment folder goes to:
//!
//! - the tool its unit runs, called as the unit's `ExecStart=` calls it,
//!   with `config` for `up`: Docker Compose v2, docker-compose v1 (1.29)
//!   or podman-compose (1.6); started with a shell's environment and no
//!   secret, then given the secrets one at a time as its errors ask for
//!   them: every secret the source reads must be asked for, since one the
//!   tool fills from elsewhere (its own variables, `.env`, the shell) never
//!   fails when the user forgets it;
//! - Docker Compose v2 `config --format json`, whatever its runtime, for
//!   the structure: services, environment, images, ports, volumes, mounts;
//! - PyYAML (YAML 1.1), which must read every value as the string written,
//!   and finds two mounts on one target, which Compose v2 `config` merges;
//! - `systemd-analyze verify`, once for all the file's units.
//!
//! Compose v2 is a Go binary, run per deployment; docker-compose v1, podman-
//! compose and PyYAML run in long-lived fork servers (`support::tool_server`),
//! so that a run costs a fork rather than half a second of imports.
//!
//! Then the oracles: the set of containers; each container's environment
//! against the source (a parameter reaches only the containers whose
//! service reads it, as `onefront params` says; parameters the compiler
//! derives are compared where they are predictable: the service, `*_HOST`,
//! maintenance, and otherwise only allowed, not compared: the ports'
//! `SUNSTONE_*PORT`, `ONEGATE_PORT`, `MONITORD_PORT` and the layout's
//! `DIND_*`); each image against the distribution reference grammar that
//! Docker and Podman pull with; each port a container's services listen on
//! taken once, and each published port landing on one; each volume name,
//! mount, restart policy, privilege and capability as written.
//!
//! Failures that are known and not yet fixed are listed in
//! [`known::KNOWN`], each with a minimal file that
//! `every_known_failure_still_fails` runs through the tools; the generator
//! steers clear of exactly what each entry's predicate matches, so that
//! deleting the entry brings the case back. Any other failure fails the
//! test with the shrunk file.
//!
//! `PROPTEST_CASES` sets the number of files (default [`CASES`]);
//! `PROPTEST_RNG_SEED` the seed (default fixed, so that CI is repeatable);
//! `scripts/soak-differential` runs many thousands with a fresh seed, and
//! `DIFFERENTIAL_SURVEY=1` goes on past failures and lists each kind.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

use crate::support::generate;
use crate::support::spec::File;
use crate::support::tempdir::TempDir;

/// Files per normal run.
const CASES: u32 = 200;
/// The normal run's seed.
const SEED: u64 = 0x0_D1FF_2026;

mod image;
mod known;
mod oracles;
mod run;

use known::{keep_deployment, keep_file};
use oracles::systemd_problems;
use run::check_deployment;

#[derive(Default)]
struct Stats {
    files: AtomicUsize,
    compiled: AtomicUsize,
    deployments: AtomicUsize,
    tool_runs: AtomicUsize,
    rejected: Mutex<BTreeMap<String, usize>>,
    /// For each code, the shortest rejected file and its message.
    rejected_example: Mutex<BTreeMap<String, String>>,
}

fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config.failure_persistence = None;
    config.max_global_rejects = 100_000;
    config.max_shrink_iters = 4_000;
    config.max_shrink_time = 120_000;
    config
}

#[test]
fn accepted_means_it_runs() {
    let start = Instant::now();
    let stats = Stats::default();
    let mut runner = TestRunner::new(config());
    let cases = runner.config().cases;
    let survey = std::env::var_os("DIFFERENTIAL_SURVEY").is_some();
    let found: Mutex<BTreeMap<String, (usize, String)>> = Mutex::new(BTreeMap::new());
    let result = runner.run(&generate::file(keep_deployment, keep_file), |file| {
        let checked = check_file(&file, &stats);
        match checked {
            Err(e) if survey => {
                record(&found, &file, &e.to_string());
                Ok(())
            }
            other => other,
        }
    });
    let files = stats.files.load(Ordering::Relaxed);
    let compiled = stats.compiled.load(Ordering::Relaxed);
    eprintln!(
        "differential: {cases} cases, {files} files tried, {compiled} compiled, {} deployments, {} tool runs, {:.1?}; rejected by onefront: {:?}",
        stats.deployments.load(Ordering::Relaxed),
        stats.tool_runs.load(Ordering::Relaxed),
        start.elapsed(),
        stats.rejected.lock().unwrap(),
    );
    if survey {
        for (code, example) in stats.rejected_example.lock().unwrap().iter() {
            eprintln!("rejected: {code}: {example}");
        }
    }
    let found = found.into_inner().unwrap();
    for (signature, (count, example)) in &found {
        eprintln!("survey: {count} files: {signature}\n{example}\n");
    }
    assert!(
        found.is_empty(),
        "the survey found {} kinds of failure",
        found.len()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, file)) => {
            panic!("{reason}\n\nminimal file (name {:?}):\n{file}", file.name)
        }
        Err(TestError::Abort(reason)) => panic!("aborted: {reason}"),
    }
    // A generator whose files onefront mostly rejects tests nothing.
    assert!(
        compiled * 2 >= files,
        "only {compiled} of {files} generated files compiled: the generator drifted from the language"
    );
}

/// Survey mode (`DIFFERENTIAL_SURVEY=1`, for soaks): instead of stopping at
/// the first failure and shrinking it, counts failures by the shape of
/// each problem (names, numbers and quoted text blanked) and keeps the
/// shortest file of each.
fn record(found: &Mutex<BTreeMap<String, (usize, String)>>, file: &File, problems: &str) {
    let text = format!("(name {:?})\n{file}", file.name);
    let mut found = found.lock().unwrap();
    for line in problems.lines().filter(|l| !l.trim().is_empty()) {
        let entry = found.entry(signature(line)).or_insert((0, text.clone()));
        entry.0 += 1;
        if text.len() < entry.1.len() {
            entry.1.clone_from(&text);
        }
    }
}

fn signature(line: &str) -> String {
    let mut out = String::new();
    let mut quote = None;
    let line = line.split(" Array [").next().unwrap_or(line);
    for c in line.chars().take(160) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '`' | '"') => {
                quote = Some(c);
                out.push('_');
            }
            None if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Feeds one file through onefront and the tools; `Err` names every problem.
fn check_file(file: &File, stats: &Stats) -> Result<(), TestCaseError> {
    stats.files.fetch_add(1, Ordering::Relaxed);
    let text = file.to_string();
    let checked = onefront::check(&file.name, &text);
    if checked.has_errors() {
        let mut rejected = stats.rejected.lock().unwrap();
        let mut examples = stats.rejected_example.lock().unwrap();
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            *rejected.entry(d.code_text()).or_default() += 1;
            let example = format!("{d}\n{text}");
            let key = format!("{} {}", d.code_text(), signature(&d.to_string()));
            let slot = examples.entry(key).or_insert_with(|| example.clone());
            if example.len() < slot.len() {
                *slot = example;
            }
        }
        return Ok(());
    }
    stats.compiled.fetch_add(1, Ordering::Relaxed);
    let (artifacts, _) = onefront::compile(&file.name, &text)
        .map_err(|e| TestCaseError::fail(format!("check passed but compile failed: {e:?}")))?;
    let dir = TempDir::new();
    onefront::output::write(dir.path(), &artifacts, false)
        .map_err(|e| TestCaseError::fail(format!("writing the artifacts: {e:?}")))?;
    let mut problems = Vec::new();
    std::thread::scope(|scope| {
        let runs: Vec<_> = file
            .deployments
            .iter()
            .map(|d| {
                let folder = dir.std_path().join(&d.name);
                scope.spawn(move || check_deployment(d, &folder, stats))
            })
            .collect();
        for run in runs {
            problems.extend(run.join().unwrap());
        }
    });
    stats
        .deployments
        .fetch_add(file.deployments.len(), Ordering::Relaxed);
    problems.extend(systemd_problems(file, dir.std_path()));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(problems.join("\n")))
    }
}

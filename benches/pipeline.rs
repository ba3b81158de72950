//! Each stage of the compiler, in process: parse, load of the stdlib,
//! check (resolve, model, validate), emit, on the reference example and on
//! fleets of 10, 100 and 1,000 front-ends, in one file and in many.
//!
//!     cargo bench --bench pipeline
//!
//! divan prints the median and the spread of each. Whole processes, against
//! `docker compose config`, are timed by `scripts/bench`.

#![allow(
    clippy::unwrap_used,
    clippy::format_push_string,
    reason = "a benchmark fails by panicking, and builds its input as text"
)]

use divan::{Bencher, black_box};
use onefront::span::SourceId;

fn main() {
    divan::main();
}

const REFERENCE: &str = include_str!("../examples/reference.onefront");
const STDLIB: &str = include_str!("../stdlib/opennebula-5.13.onefront");

/// One front-end of the reference layout on an address of its own.
fn front_end(i: usize) -> String {
    let address = format!("10.{}.{}.{}", i / 65_025 % 255, i / 255 % 255, i % 255 + 1);
    format!(
        "deployment front-{i} {{
  layout reference
  bind {address}
  env {{
    OPENNEBULA_FRONTEND_HOST     = \"front-{i}.example.com\"
    OPENNEBULA_FRONTEND_SSH_HOST = {address}
    ONEADMIN_PASSWORD            = secret(\"ONEADMIN_PASSWORD\")
    MYSQL_PASSWORD               = secret(\"MYSQL_PASSWORD\")
  }}
}}
"
    )
}

/// A file of `n` front-ends.
fn fleet(n: usize) -> String {
    let mut out = String::from("onefront 5.13\n");
    for i in 0..n {
        out.push('\n');
        out.push_str(&front_end(i));
    }
    out
}

#[divan::bench]
fn parse_reference_example() {
    black_box(onefront::syntax::parse(SourceId(0), black_box(REFERENCE)).unwrap());
}

#[divan::bench(args = [10, 100, 1000])]
fn parse_fleet(bencher: Bencher, n: usize) {
    let text = fleet(n);
    bencher.bench(|| onefront::syntax::parse(SourceId(0), black_box(&text)).unwrap());
}

/// Parsing and typing the 5.13 stdlib, which every process does once.
#[divan::bench]
fn load_stdlib() {
    black_box(
        onefront::reference::Reference::from_source(
            SourceId::stdlib(0),
            black_box(STDLIB),
            &|_| None,
        )
        .unwrap(),
    );
}

#[divan::bench]
fn check_reference_example() {
    let checked = onefront::check("reference.onefront", black_box(REFERENCE));
    assert!(!checked.has_errors());
}

#[divan::bench(args = [10, 100, 1000])]
fn check_fleet_in_one_file(bencher: Bencher, n: usize) {
    let text = fleet(n);
    bencher.bench(|| {
        let checked = onefront::check("fleet.onefront", black_box(&text));
        assert!(!checked.has_errors());
    });
}

#[divan::bench(args = [10, 100, 1000])]
fn check_fleet_in_many_files(bencher: Bencher, n: usize) {
    let texts: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("front-{i}.onefront"),
                format!("onefront 5.13\n\n{}", front_end(i)),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    bencher.bench(|| {
        let checked = onefront::check_files(black_box(&files), onefront::Options::default());
        assert!(checked.iter().all(|c| !c.has_errors()));
    });
}

#[divan::bench(args = [1, 10, 100, 1000])]
fn emit_fleet(bencher: Bencher, n: usize) {
    let text = fleet(n);
    let checked = onefront::check("fleet.onefront", &text);
    bencher.bench(|| {
        let files: usize = checked
            .deployments
            .iter()
            .map(|d| onefront::emit::emit(black_box(d)).len())
            .sum();
        black_box(files)
    });
}

//! The `onefront` binary: everything happens in [`onefront::run`].

fn main() -> std::process::ExitCode {
    onefront::run()
}

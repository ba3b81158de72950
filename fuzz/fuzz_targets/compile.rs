//! Any input through every stage a user can reach: parse, resolve, model,
//! validate, emit, the rendering of every diagnostic, and `fmt` (which must
//! give a file it leaves unchanged when run again). A panic, a hang or
//! an abort is a finding; `onefront` must answer every input with a result
//! or diagnostics.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        onefront::exercise(text);
    }
});

//! Continuations: the signed prompt state a chat message carries back.
//! Garbage must be refused by `verify` without a panic; and bytes that do
//! carry a valid tag (a leaked key, a bug in `sign`) must be decoded
//! without one, then resumed with an answer.
#![no_main]

use chatops_gateway::commands::{derive_key, resume, sign, sign_raw_body, verify};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let key = derive_key("fuzz-platform-secret");
    // As typed into a prompt's value: any string.
    if let Ok(token) = std::str::from_utf8(data) {
        let _ = verify(token, &key, NOW, 900, "slack", "U1");
    }
    // As signed by the gateway: any body behind a valid tag. `verify` checks
    // the platform and user after decoding; the answer comes from the bytes too.
    let token = sign_raw_body(data, &key);
    for (platform, user) in [("slack", "U1"), ("", "")] {
        if let Ok(continuation) = verify(&token, &key, NOW, u64::MAX, platform, user) {
            // Whatever decodes must sign and decode again to the same.
            let again = sign(&continuation, &key);
            assert_eq!(
                verify(&again, &key, NOW, u64::MAX, platform, user).as_ref(),
                Ok(&continuation)
            );
            let answer = continuation.arguments.first().cloned().into_iter().collect();
            resume(continuation, answer);
        }
    }
});

//! The sync request decoder: any body either decodes or is refused with a
//! `ProtocolError` (a 4xx), never a panic; what decodes encodes and decodes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relais_sync::protocol::{decode_request, encode_request};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = decode_request(data) {
        let again = decode_request(&encode_request(&request)).expect("a decoded request re-encodes");
        assert_eq!(again.push.len(), request.push.len());
        assert_eq!(again.pull, request.pull);
    }
});

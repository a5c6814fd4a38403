//! One line, as a fresh AIS decoder sees it; and the bytes as a bare payload.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut dec = cuenca_ais::Decoder::new();
    if let Ok(Some(d)) = dec.feed_bytes(data) {
        let _ = cuenca_ais::to_gpsd_json(&d.message);
    }
    // The armored payload field alone, with fill bits from the first byte.
    if let Some((&fill, rest)) = data.split_first() {
        if let Ok(text) = std::str::from_utf8(rest) {
            if let Ok(m) = cuenca_ais::decode_payload(text, fill % 8) {
                let _ = cuenca_ais::to_gpsd_json_unscaled(&m);
            }
        }
    }
});

//! AVR and SBS-1 lines through their parsers and the decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut dec = cuenca_adsb::Decoder::new();
    for (k, line) in text.lines().enumerate() {
        let t = k as f64;
        if let Ok(f) = cuenca_adsb::parse_avr(line) {
            if let Ok(d) = dec.decode_frame(&f, t) {
                let _ = cuenca_adsb::to_json(&d);
            }
        }
        if let Ok(m) = cuenca_adsb::parse_sbs(line) {
            let d = dec.decode_sbs(&m, t);
            let _ = cuenca_adsb::to_json(&d);
        }
    }
});

//! A Beast byte stream cut into chunks of a fuzzed size, through the framing, the
//! rs1090 decoder with CPR state, JSON and measurements.
#![no_main]

use cuenca_model::{NationId, ReleaseTo, SensorId, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, stream)) = data.split_first() else {
        return;
    };
    let (Ok(sensor), Ok(nation)) = (SensorId::new("fuzz-adsb"), NationId::new("USA")) else {
        return;
    };
    let ctx = cuenca_adsb::SensorContext {
        sensor,
        nation,
        release: ReleaseTo::AllMembers,
    };
    let mut reader = cuenca_adsb::BeastReader::new();
    let mut dec = cuenca_adsb::Decoder::with_reference(24.55, -81.78);
    let mut frames = Vec::new();
    let mut whole = Vec::new();
    for chunk in stream.chunks(usize::from(cut).max(1)) {
        frames.clear();
        reader.feed_into(chunk, &mut frames);
        whole.extend_from_slice(&frames);
        for f in &frames {
            let t = f.timestamp_12mhz.unwrap_or(0) as f64 / 12e6;
            if let Ok(d) = dec.decode_frame(f, t) {
                let _ = cuenca_adsb::to_json(&d);
                let _ = cuenca_adsb::to_measurement(
                    &d,
                    dec.aircraft(d.icao24),
                    &ctx,
                    Timestamp::from_micros(0),
                );
            }
        }
    }
    // Framing does not depend on how the stream was cut.
    let mut one = cuenca_adsb::BeastReader::new();
    assert_eq!(one.feed(stream), whole);
});

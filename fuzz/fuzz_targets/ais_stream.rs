//! A feed of lines through one AIS decoder: tag blocks, `$PGHP`, multi-sentence
//! reassembly state, gpsd JSON and measurements.
#![no_main]

use cuenca_model::{NationId, ReleaseTo, SensorId, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (Ok(sensor), Ok(nation)) = (SensorId::new("fuzz-ais"), NationId::new("JAM")) else {
        return;
    };
    let ctx = cuenca_ais::SensorContext {
        sensor,
        nation,
        release: ReleaseTo::AllMembers,
    };
    let mut dec = cuenca_ais::Decoder::new();
    for line in data.split(|b| *b == b'\n') {
        if let Ok(Some(d)) = dec.feed_bytes(line) {
            let _ = cuenca_ais::to_gpsd_json(&d.message);
            let _ = cuenca_ais::to_measurement(&d, &ctx, Timestamp::from_micros(0));
        }
    }
    let s = dec.stats();
    assert!(s.messages <= s.sentences);
});

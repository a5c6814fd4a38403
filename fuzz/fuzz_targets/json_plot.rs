//! Lines of the plain JSON plot format, and plots to measurements.
#![no_main]

use cuenca_model::{GeoPoint, NationId, ReleaseTo, SensorId, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (Ok(sensor), Ok(nation)) = (SensorId::new("fuzz-radar"), NationId::new("MEX")) else {
        return;
    };
    let ctx = cuenca_radar::SensorContext {
        sensor,
        nation,
        release: ReleaseTo::AllMembers,
    };
    let mut reader = cuenca_radar::PlotReader::new();
    for line in String::from_utf8_lossy(data).lines() {
        if let Ok(Some(p)) = reader.feed_line(line) {
            let _ = cuenca_radar::to_measurement(
                &p.plot,
                GeoPoint::new(21.16, -86.80),
                25.0,
                0.1,
                &ctx,
                Timestamp::from_micros(0),
            );
        }
    }
});

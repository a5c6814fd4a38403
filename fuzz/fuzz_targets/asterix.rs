//! ASTERIX as a datagram (blocks decoded whole) and as a stream cut into chunks;
//! records to JSON, CAT048/CAT034 fields, plots and measurements.
#![no_main]

use cuenca_model::{GeoPoint, NationId, ReleaseTo, SensorId, Timestamp};
use cuenca_radar::{BlockStream, Cat034, Cat048, Decoder, Plot};
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
    let mut dec = Decoder::new();
    let mut records = Vec::new();
    let _ = dec.decode_into(data, &mut records);
    for r in &records {
        let _ = cuenca_radar::to_json(r);
        let _ = Cat034::from_record(r);
        if let Some(plot) = Plot::from_cat048(&Cat048::from_record(r)) {
            let _ = cuenca_radar::to_measurement(
                &plot,
                GeoPoint::new(21.16, -86.80),
                25.0,
                0.1,
                &ctx,
                Timestamp::from_micros(0),
            );
        }
    }
    // The same bytes as a TCP stream in chunks of a size taken from the input.
    let cut = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let (mut stream, mut sdec, mut srecords) = (BlockStream::new(), Decoder::new(), Vec::new());
    for chunk in data.chunks(cut) {
        let _ = stream.feed(chunk, &mut sdec, &mut srecords);
    }
    assert!(stream.pending() < 65_536 + cut);
});

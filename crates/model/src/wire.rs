//! The binary encoding of measurement batches on zenoh, and its JSON twin for debugging.
//!
//! A frame is a fixed header, a [postcard] payload and a CRC-32:
//!
//! ```text
//! offset size field
//!      0    4 magic  "CUMB" (Cuenca Measurement Batch)
//!      4    1 version (currently 1)
//!      5    1 flags   (0; reserved, must be 0 in version 1)
//!      6    4 payload length n, u32 little-endian
//!     10    n payload: postcard-encoded MeasurementBatch
//!   10+n    4 CRC-32 (IEEE) of bytes 0..10+n, little-endian
//! ```
//!
//! The version sits before anything version-specific, so a receiver refuses a
//! frame from a newer sender with [`WireError::UnsupportedVersion`] instead of
//! misreading it; the checksum turns corruption into [`WireError::Checksum`].

use crate::{Measurement, NationId, SensorId};
use serde::{Deserialize, Serialize};

/// The four bytes every batch frame starts with.
pub const MAGIC: [u8; 4] = *b"CUMB";
/// The encoding version this build writes and reads.
pub const VERSION: u8 = 1;
const HEADER: usize = 10;
const TRAILER: usize = 4;
/// Largest payload a receiver accepts (16 MiB), so a corrupt length cannot make it allocate wildly.
pub const MAX_PAYLOAD: usize = 16 << 20;

/// Measurements one sensor sends together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurementBatch {
    /// The nation that owns the sensor; must match the key space it is published in.
    pub nation: NationId,
    pub sensor: SensorId,
    /// Per-sensor sequence number, so a receiver can count gaps.
    pub seq: u64,
    pub measurements: Vec<Measurement>,
}

impl MeasurementBatch {
    /// An empty batch.
    pub fn new(nation: NationId, sensor: SensorId, seq: u64) -> Self {
        MeasurementBatch {
            nation,
            sensor,
            seq,
            measurements: Vec::new(),
        }
    }
}

/// Why a frame was refused. Each variant is a counted reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("frame truncated: {have} bytes, need at least {need}")]
    Truncated { have: usize, need: usize },
    #[error("not a Cuenca batch (bad magic)")]
    BadMagic,
    #[error("batch encoding version {found} is newer than this build supports ({supported})")]
    UnsupportedVersion { found: u8, supported: u8 },
    #[error("unknown flags {0:#04x} for version 1")]
    UnknownFlags(u8),
    #[error("payload of {0} bytes exceeds the {MAX_PAYLOAD}-byte limit")]
    TooLarge(usize),
    #[error("{0} unexpected bytes after the frame")]
    TrailingBytes(usize),
    #[error("checksum mismatch: frame is corrupt")]
    Checksum,
    #[error("payload does not decode: {0}")]
    Payload(String),
    #[error("JSON batch does not decode: {0}")]
    Json(String),
}

impl WireError {
    /// A short stable name for metrics and counters.
    pub fn reason(&self) -> &'static str {
        match self {
            WireError::Truncated { .. } => "truncated",
            WireError::BadMagic => "bad_magic",
            WireError::UnsupportedVersion { .. } => "unsupported_version",
            WireError::UnknownFlags(_) => "unknown_flags",
            WireError::TooLarge(_) => "too_large",
            WireError::TrailingBytes(_) => "trailing_bytes",
            WireError::Checksum => "checksum",
            WireError::Payload(_) => "payload",
            WireError::Json(_) => "json",
        }
    }
}

/// Encodes a batch as one binary frame.
///
/// ```
/// use cuenca_model::{wire, MeasurementBatch, NationId, SensorId};
/// let b = MeasurementBatch::new(NationId::new("MEX")?, SensorId::new("mex-ais-1")?, 1);
/// let frame = wire::encode(&b);
/// assert_eq!(&frame[..4], b"CUMB");
/// assert_eq!(frame[4], wire::VERSION);
/// # Ok::<(), cuenca_model::IdError>(())
/// ```
pub fn encode(batch: &MeasurementBatch) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + 64 + batch.measurements.len() * 96);
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(0);
    out.extend_from_slice(&[0; 4]);
    // Serialising plain data into a Vec cannot fail: every type here is serde-derived
    // without custom errors and postcard's Vec flavour grows as needed.
    let out = postcard::to_extend(batch, out).unwrap_or_else(|_| unreachable!());
    finish(out)
}

fn finish(mut out: Vec<u8>) -> Vec<u8> {
    let n = (out.len() - HEADER) as u32;
    out[6..10].copy_from_slice(&n.to_le_bytes());
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Decodes one binary frame, checking magic, version, length and checksum first.
///
/// ```
/// use cuenca_model::wire::{self, WireError};
/// assert_eq!(wire::decode(b"CUMB"), Err(WireError::Truncated { have: 4, need: 14 }));
/// ```
pub fn decode(frame: &[u8]) -> Result<MeasurementBatch, WireError> {
    let need = HEADER + TRAILER;
    if frame.len() < 5 {
        if !MAGIC.starts_with(&frame[..frame.len().min(4)]) {
            return Err(WireError::BadMagic);
        }
        return Err(WireError::Truncated {
            have: frame.len(),
            need,
        });
    }
    if frame[..4] != MAGIC {
        return Err(WireError::BadMagic);
    }
    if frame[4] != VERSION {
        return Err(WireError::UnsupportedVersion {
            found: frame[4],
            supported: VERSION,
        });
    }
    if frame.len() < need {
        return Err(WireError::Truncated {
            have: frame.len(),
            need,
        });
    }
    if frame[5] != 0 {
        return Err(WireError::UnknownFlags(frame[5]));
    }
    let n = u32::from_le_bytes([frame[6], frame[7], frame[8], frame[9]]) as usize;
    if n > MAX_PAYLOAD {
        return Err(WireError::TooLarge(n));
    }
    let total = HEADER + n + TRAILER;
    if frame.len() < total {
        return Err(WireError::Truncated {
            have: frame.len(),
            need: total,
        });
    }
    if frame.len() > total {
        return Err(WireError::TrailingBytes(frame.len() - total));
    }
    let body = &frame[..HEADER + n];
    let crc = u32::from_le_bytes([
        frame[total - 4],
        frame[total - 3],
        frame[total - 2],
        frame[total - 1],
    ]);
    if crc32fast::hash(body) != crc {
        return Err(WireError::Checksum);
    }
    let (batch, rest) = postcard::take_from_bytes::<MeasurementBatch>(&body[HEADER..])
        .map_err(|e| WireError::Payload(e.to_string()))?;
    if !rest.is_empty() {
        return Err(WireError::Payload(format!(
            "{} bytes left over",
            rest.len()
        )));
    }
    Ok(batch)
}

/// The JSON form of a batch: `{"version":1,"batch":{...}}`.
pub fn to_json(batch: &MeasurementBatch) -> String {
    #[derive(Serialize)]
    struct Envelope<'a> {
        version: u8,
        batch: &'a MeasurementBatch,
    }
    serde_json::to_string(&Envelope {
        version: VERSION,
        batch,
    })
    .unwrap_or_else(|_| unreachable!("plain data always serialises"))
}

/// Reads the JSON form, refusing newer versions just as [`decode`] does.
pub fn from_json(text: &str) -> Result<MeasurementBatch, WireError> {
    #[derive(Deserialize)]
    struct Version {
        version: u8,
    }
    #[derive(Deserialize)]
    struct Envelope {
        batch: MeasurementBatch,
    }
    let v: Version = serde_json::from_str(text).map_err(|e| WireError::Json(e.to_string()))?;
    if v.version != VERSION {
        return Err(WireError::UnsupportedVersion {
            found: v.version,
            supported: VERSION,
        });
    }
    let e: Envelope = serde_json::from_str(text).map_err(|e| WireError::Json(e.to_string()))?;
    Ok(e.batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;
    use proptest::prelude::*;

    fn arb_f64(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
        lo..hi
    }

    fn arb_opt_string() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[A-Z0-9 ]{0,20}")
    }

    fn arb_release() -> impl Strategy<Value = ReleaseTo> {
        prop_oneof![
            Just(ReleaseTo::OwnerOnly),
            Just(ReleaseTo::AllMembers),
            proptest::collection::vec("[A-Z]{3}", 0..4).prop_map(|v| ReleaseTo::Nations(
                v.iter().map(|s| NationId::new(s).unwrap()).collect()
            )),
        ]
    }

    prop_compose! {
        fn arb_measurement()(
            sensor in "[a-z0-9._-]{1,20}",
            nation in "[A-Z]{3}",
            time in any::<i64>(),
            kind in prop_oneof![Just(MeasurementKind::RadarPlot), Just(MeasurementKind::AisReport),
                                Just(MeasurementKind::AdsbReport), Just(MeasurementKind::PeerTrack)],
            lat in arb_f64(-90.0, 90.0), lon in arb_f64(-180.0, 180.0),
            alt in proptest::option::of(arb_f64(-500.0, 20000.0)),
            sd in arb_f64(0.1, 5000.0),
            vel in proptest::option::of((arb_f64(-300.0, 300.0), arb_f64(-300.0, 300.0))),
            polar in proptest::option::of((arb_f64(0.0, 4e5), arb_f64(0.0, 360.0))),
            mmsi in proptest::option::of(0u32..=999_999_999),
            icao in proptest::option::of(0u32..=0xFF_FFFF),
            callsign in arb_opt_string(), name in arb_opt_string(),
            release in arb_release(),
        ) -> Measurement {
            Measurement {
                sensor: SensorId::new(&sensor).unwrap(),
                nation: NationId::new(&nation).unwrap(),
                time: Timestamp(time),
                kind,
                position: GeoPoint { lat, lon, alt_m: alt },
                accuracy: PositionCov { ee: sd * sd, en: 0.1 * sd * sd, nn: 2.0 * sd * sd },
                velocity: vel.map(|(e, n)| Velocity { east_mps: e, north_mps: n, up_mps: None, sigma_mps: Some(1.0) }),
                polar: polar.map(|(r, a)| Polar { site: GeoPoint::new(lat, lon), range_m: r, azimuth_deg: a,
                                                  sigma_range_m: 30.0, sigma_azimuth_deg: 0.1 }),
                identity: Identity { mmsi, icao24: icao, callsign, name, ..Identity::default() },
                release,
            }
        }
    }

    prop_compose! {
        fn arb_batch()(seq in any::<u64>(), ms in proptest::collection::vec(arb_measurement(), 0..8)) -> MeasurementBatch {
            MeasurementBatch {
                nation: NationId::new("COL").unwrap(),
                sensor: SensorId::new("col-radar-1").unwrap(),
                seq,
                measurements: ms,
            }
        }
    }

    proptest! {
        #[test]
        fn binary_round_trip(b in arb_batch()) {
            prop_assert_eq!(decode(&encode(&b)).unwrap(), b);
        }

        #[test]
        fn json_round_trip(b in arb_batch()) {
            prop_assert_eq!(from_json(&to_json(&b)).unwrap(), b);
        }

        #[test]
        fn any_single_byte_flip_is_refused(b in arb_batch(), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
            let mut f = encode(&b);
            let i = pos.index(f.len());
            f[i] ^= 1 << bit;
            prop_assert!(decode(&f).is_err());
        }

        #[test]
        fn every_truncation_is_refused(b in arb_batch(), cut in any::<prop::sample::Index>()) {
            let f = encode(&b);
            let n = cut.index(f.len());
            prop_assert!(decode(&f[..n]).is_err());
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode(&bytes);
            let mut framed = b"CUMB\x01\x00".to_vec();
            framed.extend_from_slice(&bytes);
            let _ = decode(&framed);
        }
    }

    fn sample() -> MeasurementBatch {
        MeasurementBatch::new(
            NationId::new("PAN").unwrap(),
            SensorId::new("pan-1").unwrap(),
            3,
        )
    }

    #[test]
    fn future_version_is_a_typed_error() {
        let mut f = encode(&sample());
        f[4] = 2;
        assert_eq!(
            decode(&f),
            Err(WireError::UnsupportedVersion {
                found: 2,
                supported: 1
            })
        );
        let json = to_json(&sample()).replace("\"version\":1", "\"version\":9");
        assert_eq!(
            from_json(&json),
            Err(WireError::UnsupportedVersion {
                found: 9,
                supported: 1
            })
        );
    }

    #[test]
    fn corrupt_and_truncated_frames_have_their_reasons() {
        let f = encode(&sample());
        let mut bad = f.clone();
        let last = bad.len() - 5;
        bad[last] ^= 0xff;
        assert_eq!(decode(&bad), Err(WireError::Checksum));
        assert!(matches!(
            decode(&f[..f.len() - 1]),
            Err(WireError::Truncated { .. })
        ));
        assert_eq!(decode(b"GET / HTTP/1.1\r\n"), Err(WireError::BadMagic));
        let mut long = f.clone();
        long.push(0);
        assert_eq!(decode(&long), Err(WireError::TrailingBytes(1)));
        let mut huge = f.clone();
        huge[6..10].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&huge), Err(WireError::TooLarge(u32::MAX as usize)));
        let mut flags = f;
        flags[5] = 1;
        assert_eq!(decode(&flags), Err(WireError::UnknownFlags(1)));
        assert_eq!(from_json("{").map_err(|e| e.reason()), Err("json"));
    }

    #[test]
    fn checksum_valid_garbage_payload_is_a_payload_error() {
        let mut f = b"CUMB\x01\x00".to_vec();
        f.extend_from_slice(&3u32.to_le_bytes());
        f.extend_from_slice(&[0xff, 0xff, 0xff]);
        let f = finish(f[..].to_vec());
        assert!(matches!(decode(&f), Err(WireError::Payload(_))));
    }
}

#[cfg(test)]
mod golden {
    use super::*;
    use crate::*;

    /// The worked example in ARCHITECTURE.md; changing these bytes is a wire change.
    pub(super) fn example() -> MeasurementBatch {
        let (nation, sensor) = (
            NationId::new("MEX").unwrap(),
            SensorId::new("mex-ais-1").unwrap(),
        );
        let mut b = MeasurementBatch::new(nation, sensor.clone(), 7);
        b.measurements.push(Measurement {
            sensor,
            nation,
            time: Timestamp::from_micros(1_795_000_000_000_000),
            kind: MeasurementKind::AisReport,
            position: GeoPoint::new(21.25, -86.75),
            accuracy: PositionCov::circular(10.0),
            velocity: None,
            polar: None,
            identity: Identity {
                mmsi: Some(345_070_001),
                ..Identity::default()
            },
            release: ReleaseTo::AllMembers,
        });
        b
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn example_frame_is_stable() {
        let f = encode(&example());
        println!("{}\n{}", hex(&f), to_json(&example()));
        assert_eq!(f.len(), GOLDEN.len() / 2);
        assert_eq!(
            hex(&f),
            GOLDEN,
            "the wire format changed: bump VERSION and update ARCHITECTURE.md"
        );
    }

    const GOLDEN: &str = "43554d42010060000000034d4558096d65782d6169732d310701096d65782d6169732d31034d455880c0f995e0a2b0060100000000004035400000000000b055c000000000000000594000000000000000000000000000005940000001b1b3c5a4010000000000000002f56395cc";
}

//! Sensors' native formats, written the way real equipment writes them: AIS as
//! NMEA `!AIVDM` sentences with NMEA 4.0 tag blocks, ADS-B as DF17 extended
//! squitters in AVR text, radar plots in the plain JSON plot format or as ASTERIX
//! CAT048 target reports. The engine
//! writes these and then reads them back with the real decoders, so a scenario
//! exercises the same code as a live feed.

use cuenca_model::{SensorId, Timestamp};
use std::fmt::Write;

/// Bits collected most significant first.
struct Bits {
    bits: Vec<bool>,
}

impl Bits {
    fn new() -> Bits {
        Bits {
            bits: Vec::with_capacity(168),
        }
    }

    fn push(&mut self, value: u64, width: usize) {
        for i in (0..width).rev() {
            self.bits.push((value >> i) & 1 == 1);
        }
    }

    fn push_signed(&mut self, value: i64, width: usize) {
        self.push((value as u64) & ((1u64 << width) - 1), width);
    }

    /// Six-bit ASCII armoring (ITU-R M.1371 / IEC 61162): the payload and its fill bits.
    fn armor(&self) -> (String, u8) {
        let fill = (6 - self.bits.len() % 6) % 6;
        let mut out = String::with_capacity(self.bits.len() / 6 + 1);
        for chunk in self.bits.chunks(6) {
            let mut v = 0u8;
            for i in 0..6 {
                v = (v << 1) | u8::from(chunk.get(i).copied().unwrap_or(false));
            }
            out.push(char::from(if v < 40 { v + 48 } else { v + 56 }));
        }
        (out, fill as u8)
    }

    fn bytes(&self) -> Vec<u8> {
        self.bits
            .chunks(8)
            .map(|c| c.iter().fold(0u8, |a, &b| (a << 1) | u8::from(b)))
            .collect()
    }
}

fn nmea_checksum(body: &str) -> u8 {
    body.bytes().fold(0u8, |a, b| a ^ b)
}

/// What an AIS position report says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AisPosition {
    pub mmsi: u32,
    /// Class A (message 1) or class B (message 18).
    pub class_b: bool,
    pub lat: f64,
    pub lon: f64,
    pub speed_kn: f64,
    pub course_deg: f64,
}

/// One `!AIVDM` position report (type 1 for class A, 18 for class B) behind a tag
/// block carrying the receiver (`s:`) and the receive time in milliseconds (`c:`).
///
/// ```
/// use cuenca_sim::encode::{ais_sentence, AisPosition};
/// let p = AisPosition { mmsi: 345_070_001, class_b: false, lat: 21.25, lon: -86.75,
///                       speed_kn: 12.3, course_deg: 45.0 };
/// let t = cuenca_model::Timestamp::from_micros(1_795_000_000_000_000);
/// let line = ais_sentence(&p, "mex-ais-1", t);
/// let d = cuenca_ais::Decoder::new().feed_line(&line)?.expect("one message");
/// assert_eq!(d.message.mmsi(), 345_070_001);
/// assert_eq!(d.meta.time, Some(t));
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
pub fn ais_sentence(p: &AisPosition, receiver: &str, time: Timestamp) -> String {
    let mut b = Bits::new();
    let lon = (p.lon * 600_000.0).round() as i64;
    let lat = (p.lat * 600_000.0).round() as i64;
    let sog = (p.speed_kn * 10.0).round().clamp(0.0, 1022.0) as u64;
    let cog = (p.course_deg.rem_euclid(360.0) * 10.0).round().min(3599.0) as u64;
    let second = (time.micros().div_euclid(1_000_000) % 60) as u64;
    if p.class_b {
        b.push(18, 6);
        b.push(0, 2);
        b.push(u64::from(p.mmsi), 30);
        b.push(0, 8);
        b.push(sog, 10);
        b.push(0, 1);
        b.push_signed(lon, 28);
        b.push_signed(lat, 27);
        b.push(cog, 12);
        b.push(511, 9);
        b.push(second, 6);
        b.push(0, 2);
        b.push(1, 1); // carrier-sense unit
        b.push(0, 5);
        b.push(0, 1);
        b.push(0, 20);
    } else {
        b.push(1, 6);
        b.push(0, 2);
        b.push(u64::from(p.mmsi), 30);
        b.push(0, 4); // under way using engine
        b.push(0x80, 8); // rate of turn not available
        b.push(sog, 10);
        b.push(0, 1);
        b.push_signed(lon, 28);
        b.push_signed(lat, 27);
        b.push(cog, 12);
        b.push(511, 9);
        b.push(second, 6);
        b.push(0, 2);
        b.push(0, 3);
        b.push(0, 1);
        b.push(0, 19);
    }
    let (payload, fill) = b.armor();
    let body = format!("AIVDM,1,1,,A,{payload},{fill}");
    let tag = format!("s:{receiver},c:{}", time.micros().div_euclid(1000));
    format!(
        "\\{tag}*{:02X}\\!{body}*{:02X}",
        nmea_checksum(&tag),
        nmea_checksum(&body)
    )
}

/// CRC-24 parity of Mode S (generator 0x1FFF409) over `data`.
fn modes_crc(data: &[u8]) -> u32 {
    let mut crc: u32 = 0;
    for &byte in data {
        crc ^= u32::from(byte) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x1FF_F409;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// A DF17 frame from a 56-bit ME field.
fn df17(icao24: u32, me: &Bits) -> [u8; 14] {
    let mut b = Bits::new();
    b.push(17, 5);
    b.push(5, 3); // capability: airborne
    b.push(u64::from(icao24 & 0xFF_FFFF), 24);
    b.bits.extend_from_slice(&me.bits);
    let mut out = [0u8; 14];
    let body = b.bytes();
    out[..11].copy_from_slice(&body[..11]);
    let crc = modes_crc(&out[..11]);
    out[11] = (crc >> 16) as u8;
    out[12] = (crc >> 8) as u8;
    out[13] = crc as u8;
    out
}

/// Number of longitude zones for a latitude (CPR NL function, DO-260B A.1.7.2).
fn cpr_nl(lat: f64) -> f64 {
    let lat = lat.abs();
    if lat < 1e-9 {
        return 59.0;
    }
    if (lat - 87.0).abs() < 1e-9 {
        return 2.0;
    }
    if lat > 87.0 {
        return 1.0;
    }
    let nz = 15.0_f64;
    let a = 1.0 - (std::f64::consts::PI / (2.0 * nz)).cos();
    let b = (std::f64::consts::PI / 180.0 * lat).cos().powi(2);
    (2.0 * std::f64::consts::PI / (1.0 - a / b).acos()).floor()
}

/// Airborne CPR encoding (17 bits) of a position, even (`odd == false`) or odd.
fn cpr_encode(lat: f64, lon: f64, odd: bool) -> (u64, u64) {
    let i = if odd { 1.0 } else { 0.0 };
    let scale = 131_072.0; // 2^17
    let dlat = 360.0 / (60.0 - i);
    let yz = (scale * lat.rem_euclid(dlat) / dlat + 0.5).floor();
    let rlat = dlat * (yz / scale + (lat / dlat).floor());
    let nl = cpr_nl(rlat);
    let dlon = 360.0 / (nl - i).max(1.0);
    let xz = (scale * lon.rem_euclid(dlon) / dlon + 0.5).floor();
    ((yz as u64) & 0x1FFFF, (xz as u64) & 0x1FFFF)
}

/// A DF17 airborne position (type code 11, barometric altitude in 25 ft steps).
pub fn adsb_position(icao24: u32, lat: f64, lon: f64, altitude_ft: f64, odd: bool) -> [u8; 14] {
    let n = ((altitude_ft + 1000.0) / 25.0).round().clamp(0.0, 2047.0) as u64;
    let alt = ((n & 0x7F0) << 1) | 0x10 | (n & 0xF);
    let (yz, xz) = cpr_encode(lat, lon, odd);
    let mut me = Bits::new();
    me.push(11, 5);
    me.push(0, 2);
    me.push(0, 1);
    me.push(alt, 12);
    me.push(0, 1);
    me.push(u64::from(odd), 1);
    me.push(yz, 17);
    me.push(xz, 17);
    df17(icao24, &me)
}

/// A DF17 airborne velocity over ground (type code 19, subtype 1).
pub fn adsb_velocity(icao24: u32, speed_kn: f64, course_deg: f64, climb_fpm: f64) -> [u8; 14] {
    let (s, c) = course_deg.to_radians().sin_cos();
    let (ew, ns) = (speed_kn * s, speed_kn * c);
    let comp = |v: f64| ((v.abs().round() as u64) + 1).min(1023);
    let vr = ((climb_fpm.abs() / 64.0).round() as u64 + 1).min(511);
    let mut me = Bits::new();
    me.push(19, 5);
    me.push(1, 3);
    me.push(0, 1);
    me.push(0, 1);
    me.push(0, 3);
    me.push(u64::from(ew < 0.0), 1);
    me.push(comp(ew), 10);
    me.push(u64::from(ns < 0.0), 1);
    me.push(comp(ns), 10);
    me.push(0, 1);
    me.push(u64::from(climb_fpm < 0.0), 1);
    me.push(vr, 9);
    me.push(0, 2);
    me.push(0, 1);
    me.push(0, 7);
    df17(icao24, &me)
}

const CALLSIGN_CHARS: &[u8; 64] =
    b"#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

/// A DF17 identification (type code 4, emitter category A3); unknown characters
/// become spaces.
pub fn adsb_identification(icao24: u32, callsign: &str) -> [u8; 14] {
    let mut me = Bits::new();
    me.push(4, 5);
    me.push(3, 3);
    let chars: Vec<u8> = callsign
        .bytes()
        .chain(std::iter::repeat(b' '))
        .take(8)
        .collect();
    for c in chars {
        let c = c.to_ascii_uppercase();
        let code = CALLSIGN_CHARS
            .iter()
            .position(|&k| k == c && k != b'#')
            .unwrap_or(32);
        me.push(code as u64, 6);
    }
    df17(icao24, &me)
}

/// A frame as an AVR line with a 12 MHz receiver time stamp: `@TTTTTTTTTTTTHEX;`.
///
/// ```
/// use cuenca_sim::encode::{adsb_position, avr_line};
/// let line = avr_line(&adsb_position(0x0A0001, 21.0, -86.9, 35_000.0, false), 12_000_000);
/// let f = cuenca_adsb::parse_avr(&line)?;
/// assert_eq!(f.timestamp_12mhz, Some(12_000_000));
/// assert_eq!(cuenca_adsb::Decoder::new().decode_frame(&f, 1.0)?.icao24, 0x0A0001);
/// # Ok::<(), cuenca_adsb::AdsbError>(())
/// ```
pub fn avr_line(frame: &[u8], ticks_12mhz: u64) -> String {
    let mut s = String::with_capacity(2 + 12 + frame.len() * 2);
    let _ = write!(s, "@{:012X}", ticks_12mhz & 0xFFFF_FFFF_FFFF);
    for b in frame {
        let _ = write!(s, "{b:02X}");
    }
    s.push(';');
    s
}

/// One line of the JSON plot format (see `cuenca_radar::parse_plot_line`).
pub fn plot_line(sensor: &SensorId, time: Timestamp, range_m: f64, azimuth_deg: f64) -> String {
    format!(
        "{{\"sensor\":\"{}\",\"time\":\"{}\",\"range_m\":{:.1},\"azimuth_deg\":{:.4}}}",
        sensor.as_str(),
        time,
        range_m,
        azimuth_deg.rem_euclid(360.0)
    )
}

/// Nautical mile in metres (ASTERIX ranges are in 1/256 NM).
const NM_M: f64 = 1852.0;

/// ASTERIX CAT048 data blocks for one scan: one target report per plot with I010
/// (SAC/SIC), I140 (time of day, 1/128 s) and I040 (range 1/256 NM, azimuth
/// 360/65536°), at most 4,000 records to a block.
///
/// ```
/// use cuenca_radar::{Cat048, Decoder, Plot, PlotTime};
/// let blocks = cuenca_sim::encode::cat048_blocks((25, 10), 3600.5, &[(50_000.0, 90.0)]);
/// let records = Decoder::new().decode(&blocks)?;
/// let plot = Plot::from_cat048(&Cat048::from_record(&records[0])).unwrap();
/// assert_eq!(plot.time, PlotTime::TimeOfDay(3600.5));
/// assert!((plot.range_m - 50_000.0).abs() < 4.0);
/// assert!((plot.azimuth_deg - 90.0).abs() < 0.003);
/// # Ok::<(), cuenca_radar::RadarError>(())
/// ```
pub fn cat048_blocks(sac_sic: (u8, u8), time_of_day_s: f64, plots: &[(f64, f64)]) -> Vec<u8> {
    let tod = ((time_of_day_s.rem_euclid(86_400.0)) * 128.0).round() as u32 & 0xFF_FFFF;
    let mut out = Vec::with_capacity(3 + plots.len() * 10);
    for chunk in plots.chunks(4000) {
        let start = out.len();
        out.extend([48, 0, 0]);
        for &(range_m, azimuth_deg) in chunk {
            let rho = (range_m / NM_M * 256.0).round().clamp(0.0, 65_535.0) as u16;
            let theta = (azimuth_deg.rem_euclid(360.0) / 360.0 * 65_536.0).round() as u32 as u16;
            out.push(0xD0); // FSPEC: I010, I140, I040
            out.extend([sac_sic.0, sac_sic.1]);
            out.extend(&tod.to_be_bytes()[1..]);
            out.extend(rho.to_be_bytes());
            out.extend(theta.to_be_bytes());
        }
        let len = (out.len() - start) as u16;
        out[start + 1..start + 3].copy_from_slice(&len.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ais_round_trips_through_the_decoder() {
        let t = Timestamp::from_micros(1_795_000_012_345_000);
        for class_b in [false, true] {
            let p = AisPosition {
                mmsi: 730_000_123,
                class_b,
                lat: 10.4321,
                lon: -75.5678,
                speed_kn: 14.2,
                course_deg: 359.9,
            };
            let line = ais_sentence(&p, "col-ais", t);
            let d = cuenca_ais::Decoder::new()
                .feed_line(&line)
                .unwrap()
                .unwrap();
            assert_eq!(d.message.msg_type(), if class_b { 18 } else { 1 });
            let ctx = cuenca_model::SensorContext {
                sensor: SensorId::new("col-ais").unwrap(),
                nation: cuenca_model::NationId::new("COL").unwrap(),
                release: cuenca_model::ReleaseTo::AllMembers,
            };
            let m = cuenca_ais::to_measurement(&d, &ctx, Timestamp(0))
                .unwrap()
                .unwrap();
            assert_eq!(m.time, Timestamp::from_micros(1_795_000_012_345_000));
            assert!((m.position.lat - p.lat).abs() < 1e-5);
            assert!((m.position.lon - p.lon).abs() < 1e-5);
        }
    }

    #[test]
    fn adsb_pairs_decode_to_the_position_velocity_and_callsign() {
        let mut dec = cuenca_adsb::Decoder::new();
        let icao = 0x0D_1234;
        let id = dec
            .decode(&adsb_identification(icao, "AMX123"), 0.0)
            .unwrap();
        assert_eq!(id.callsign.as_deref(), Some("AMX123"));
        let v = dec
            .decode(&adsb_velocity(icao, 450.0, 300.0, -1200.0), 0.1)
            .unwrap();
        assert!((v.ground_speed_kt.unwrap() - 450.0).abs() < 1.5);
        assert!((v.track_deg.unwrap() - 300.0).abs() < 0.5);
        for (lat, lon) in [
            (21.04, -86.87),
            (9.07, -79.38),
            (25.79, -80.29),
            (18.0, -99.5),
        ] {
            let mut dec = cuenca_adsb::Decoder::new();
            dec.decode(&adsb_position(icao, lat, lon, 35_000.0, false), 1.0)
                .unwrap();
            let d = dec
                .decode(&adsb_position(icao, lat, lon, 35_000.0, true), 1.5)
                .unwrap();
            assert_eq!(d.altitude_ft, Some(35_000));
            assert!((d.lat.unwrap() - lat).abs() < 1e-3, "{lat} {:?}", d.lat);
            assert!((d.lon.unwrap() - lon).abs() < 1e-3, "{lon} {:?}", d.lon);
        }
    }

    #[test]
    fn plot_lines_parse() {
        let s = SensorId::new("mex-radar-cancun").unwrap();
        let t = Timestamp::from_micros(1_795_000_000_000_000);
        let p = cuenca_radar::parse_plot_line(&plot_line(&s, t, 42_000.0, -10.0)).unwrap();
        assert_eq!(p.sensor, s);
        assert_eq!(p.plot.range_m, 42_000.0);
        assert!((p.plot.azimuth_deg - 350.0).abs() < 1e-9);
    }
}

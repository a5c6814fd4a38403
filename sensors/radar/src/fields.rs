//! Field values of the items we use, read from a walked [`Record`].
//!
//! Scales from CAT048 ed. 1.32 and CAT034 ed. 1.29. Every item was length-checked
//! when the record was walked, so reading a field cannot fail; an item of an
//! unexpected length simply reads as absent.

use crate::Record;

/// Metres per nautical mile.
pub const NM_M: f64 = 1852.0;
/// Metres per foot.
pub const FT_M: f64 = 0.3048;

pub(crate) fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// Two's complement of the low `bits` bits of `v`.
pub(crate) fn signed(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

fn fixed<const N: usize>(r: &Record, id: &str) -> Option<[u8; N]> {
    r.item(id).and_then(arr::<N>)
}

fn arr<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    b.try_into().ok()
}

/// A Mode-3/A code with its validity bits (I048/070).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode3A {
    /// Code not validated.
    pub v: bool,
    /// Garbled code.
    pub g: bool,
    /// Code not extracted during the last scan (smoothed).
    pub l: bool,
    /// The 12-bit code (four octal digits, `0o7500` for 7500).
    pub code: u16,
}

impl Mode3A {
    /// The code as its four octal digits read as a decimal number (7500 → 7500),
    /// as [`cuenca_model::Identity::squawk`] wants it.
    pub fn squawk(self) -> u16 {
        let c = self.code;
        (c >> 9 & 7) * 1000 + (c >> 6 & 7) * 100 + (c >> 3 & 7) * 10 + (c & 7)
    }
}

/// Flight level with its validity bits (I048/090).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlightLevel {
    pub v: bool,
    pub g: bool,
    /// Flight level (hundreds of feet, pressure altitude), 1/4 FL resolution.
    pub fl: f64,
}

/// A CAT048 target report, field by field. Absent items are `None` (or empty).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cat048 {
    /// I010 System Area Code and System Identification Code.
    pub sac_sic: Option<(u8, u8)>,
    /// I140 time of day, seconds since UTC midnight (1/128 s).
    pub time_of_day_s: Option<f64>,
    /// I020 first octet: TYP (detection type, 0-7).
    pub detection_type: Option<u8>,
    /// I020 first octet: SIM (simulated target report).
    pub simulated: Option<bool>,
    /// I040 slant range in NM (1/256 NM) and azimuth in degrees (360/2^16).
    pub rho_theta: Option<(f64, f64)>,
    /// I070 Mode-3/A.
    pub mode3a: Option<Mode3A>,
    /// I090 flight level.
    pub flight_level: Option<FlightLevel>,
    /// I220 ICAO 24-bit aircraft address.
    pub aircraft_address: Option<u32>,
    /// I240 aircraft identification (8 characters, trailing spaces kept).
    pub identification: Option<String>,
    /// I250 Mode S MB data, each 7 bytes of MB data then BDS1/BDS2 in the last byte.
    pub mb_data: Vec<[u8; 8]>,
    /// I161 track number (12 bits).
    pub track_number: Option<u16>,
    /// I042 calculated position X (east), Y (north) in NM (1/128 NM).
    pub cartesian_nm: Option<(f64, f64)>,
    /// I200 calculated ground speed (kt) and heading (degrees).
    pub ground_speed_heading: Option<(f64, f64)>,
    /// I110 height measured by a 3D radar, feet (25 ft).
    pub height_3d_ft: Option<f64>,
}

/// Decodes the ICAO six-bit character set of I048/240 (A-Z, space, 0-9; code 0
/// reads as a space, other undefined codes as `?`).
pub fn icao_chars(bytes: [u8; 6]) -> String {
    let v = be(&bytes);
    (0..8)
        .map(|i| {
            let c = (v >> (42 - 6 * i)) as u8 & 0x3F;
            match c {
                1..=26 => char::from(b'A' + c - 1),
                // 0 is undefined; a blank (all-zero) identification reads as spaces.
                0 | 32 => ' ',
                48..=57 => char::from(c),
                _ => '?',
            }
        })
        .collect()
}

impl Cat048 {
    /// Reads the fields of a CAT048 record (any other category gives all `None`).
    ///
    /// ```
    /// use cuenca_radar::{decode_block, Cat048};
    /// // I010 + I040: SAC 25 SIC 201, RHO 100 NM, THETA 90°.
    /// let block = [48, 0, 10, 0x90, 25, 201, 0x64, 0x00, 0x40, 0x00];
    /// let (records, _) = decode_block(&block)?;
    /// let r = Cat048::from_record(&records[0]);
    /// assert_eq!(r.sac_sic, Some((25, 201)));
    /// assert_eq!(r.rho_theta, Some((100.0, 90.0)));
    /// # Ok::<(), cuenca_radar::RadarError>(())
    /// ```
    pub fn from_record(r: &Record) -> Self {
        let mut out = Cat048::default();
        if r.category() != 48 {
            return out;
        }
        // One pass over the items present; an item of unexpected length reads as absent.
        for (def, b) in r.items() {
            match def.id {
                "I010" => out.sac_sic = arr::<2>(b).map(|[a, b]| (a, b)),
                "I140" => out.time_of_day_s = arr::<3>(b).map(|b| be(&b) as f64 / 128.0),
                "I020" => {
                    out.detection_type = b.first().map(|o| o >> 5);
                    out.simulated = b.first().map(|o| o & 0x10 != 0);
                }
                "I040" => {
                    out.rho_theta = arr::<4>(b).map(|b| {
                        let rho = f64::from(u16::from_be_bytes([b[0], b[1]])) / 256.0;
                        let theta = f64::from(u16::from_be_bytes([b[2], b[3]])) * 360.0 / 65536.0;
                        (rho, theta)
                    })
                }
                "I070" => {
                    out.mode3a = arr::<2>(b).map(|b| Mode3A {
                        v: b[0] & 0x80 != 0,
                        g: b[0] & 0x40 != 0,
                        l: b[0] & 0x20 != 0,
                        code: u16::from_be_bytes(b) & 0x0FFF,
                    })
                }
                "I090" => {
                    out.flight_level = arr::<2>(b).map(|b| FlightLevel {
                        v: b[0] & 0x80 != 0,
                        g: b[0] & 0x40 != 0,
                        fl: signed(be(&b), 14) as f64 / 4.0,
                    })
                }
                "I220" => out.aircraft_address = arr::<3>(b).map(|b| be(&b) as u32),
                "I240" => out.identification = arr::<6>(b).map(icao_chars),
                "I250" => {
                    out.mb_data = b
                        .get(1..)
                        .unwrap_or_default()
                        .chunks_exact(8)
                        .filter_map(|c| c.try_into().ok())
                        .collect()
                }
                "I161" => out.track_number = arr::<2>(b).map(|b| u16::from_be_bytes(b) & 0x0FFF),
                "I042" => {
                    out.cartesian_nm = arr::<4>(b).map(|b| {
                        let x = f64::from(i16::from_be_bytes([b[0], b[1]])) / 128.0;
                        let y = f64::from(i16::from_be_bytes([b[2], b[3]])) / 128.0;
                        (x, y)
                    })
                }
                "I200" => {
                    out.ground_speed_heading = arr::<4>(b).map(|b| {
                        // 2^-14 NM/s, given in knots.
                        let gs = f64::from(u16::from_be_bytes([b[0], b[1]])) / 16384.0 * 3600.0;
                        let hdg = f64::from(u16::from_be_bytes([b[2], b[3]])) * 360.0 / 65536.0;
                        (gs, hdg)
                    })
                }
                "I110" => out.height_3d_ft = arr::<2>(b).map(|b| signed(be(&b), 14) as f64 * 25.0),
                _ => {}
            }
        }
        out
    }

    /// Pressure altitude from the flight level, metres (FL × 100 ft). Not a
    /// geometric height: good enough to turn slant range into ground range.
    pub fn pressure_altitude_m(&self) -> Option<f64> {
        self.flight_level.map(|f| f.fl * 100.0 * FT_M)
    }
}

/// A CAT034 service message, field by field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cat034 {
    /// I010 SAC/SIC.
    pub sac_sic: Option<(u8, u8)>,
    /// I000 message type (1 north marker, 2 sector crossing, 3 geographical
    /// filtering, 4 jamming strobe, 5 solar storm, 6 SSR jamming, 7 Mode S jamming).
    pub message_type: Option<u8>,
    /// I030 time of day, seconds (1/128 s).
    pub time_of_day_s: Option<f64>,
    /// I020 sector azimuth, degrees (360/2^8).
    pub sector_deg: Option<f64>,
    /// I041 antenna rotation period, seconds (1/128 s).
    pub rotation_period_s: Option<f64>,
    /// I120 position of the data source: height (m), latitude, longitude (deg).
    pub site: Option<(f64, f64, f64)>,
    /// I090 collimation error: range (NM, 1/128) and azimuth (deg, 360/2^14).
    pub collimation: Option<(f64, f64)>,
}

impl Cat034 {
    /// Reads the fields of a CAT034 record (any other category gives all `None`).
    ///
    /// ```
    /// use cuenca_radar::{decode_block, Cat034};
    /// // I010, I000 = 2 (sector crossing), I020 = 135°.
    /// let block = [34, 0, 8, 0xD0, 25, 13, 2, 96];
    /// let (records, _) = decode_block(&block)?;
    /// let r = Cat034::from_record(&records[0]);
    /// assert_eq!(r.message_type, Some(2));
    /// assert_eq!(r.sector_deg, Some(135.0));
    /// # Ok::<(), cuenca_radar::RadarError>(())
    /// ```
    pub fn from_record(r: &Record) -> Self {
        if r.category() != 34 {
            return Cat034::default();
        }
        Cat034 {
            sac_sic: fixed::<2>(r, "I010").map(|[a, b]| (a, b)),
            message_type: fixed::<1>(r, "I000").map(|[t]| t),
            time_of_day_s: fixed::<3>(r, "I030").map(|b| be(&b) as f64 / 128.0),
            sector_deg: fixed::<1>(r, "I020").map(|[s]| f64::from(s) * 360.0 / 256.0),
            rotation_period_s: fixed::<2>(r, "I041").map(|b| be(&b) as f64 / 128.0),
            site: fixed::<8>(r, "I120").map(|b| {
                let h = f64::from(i16::from_be_bytes([b[0], b[1]]));
                let deg = 180.0 / f64::from(1u32 << 23);
                let lat = signed(be(&b[2..5]), 24) as f64 * deg;
                let lon = signed(be(&b[5..8]), 24) as f64 * deg;
                (h, lat, lon)
            }),
            collimation: fixed::<2>(r, "I090").map(|b| {
                (
                    f64::from(b[0] as i8) / 128.0,
                    f64::from(b[1] as i8) * 360.0 / 16384.0,
                )
            }),
        }
    }
}

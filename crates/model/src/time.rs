//! UTC time with microsecond resolution.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A time that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid UTC time {0:?}: expected RFC 3339, such as 2026-11-28T08:00:00Z")]
pub struct TimeError(pub String);

/// Microseconds since the Unix epoch, UTC.
///
/// Binary encodings carry the integer; JSON carries RFC 3339 text so that a
/// human reading a debug dump sees a date.
///
/// ```
/// use cuenca_model::Timestamp;
/// let t: Timestamp = "2026-11-28T08:00:00.5Z".parse()?;
/// assert_eq!(t.to_string(), "2026-11-28T08:00:00.500000Z");
/// assert_eq!((t + 1.5).as_secs_f64() - t.as_secs_f64(), 1.5);
/// # Ok::<(), cuenca_model::TimeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// From microseconds since the epoch.
    pub const fn from_micros(us: i64) -> Self {
        Timestamp(us)
    }

    /// From (possibly fractional) seconds since the epoch; non-finite input gives the epoch.
    pub fn from_secs_f64(s: f64) -> Self {
        if s.is_finite() {
            Timestamp((s * 1e6).round() as i64)
        } else {
            Timestamp(0)
        }
    }

    /// Microseconds since the epoch.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// Seconds since the epoch.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 * 1e-6
    }

    /// The current wall-clock time.
    pub fn now() -> Self {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Timestamp(d.as_micros() as i64)
    }

    /// Seconds from `earlier` to `self` (negative when `self` is earlier).
    pub fn secs_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 * 1e-6
    }

    fn to_system_time(self) -> Option<SystemTime> {
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_micros(self.0 as u64))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_micros(self.0.unsigned_abs()))
        }
    }
}

impl std::ops::Add<f64> for Timestamp {
    type Output = Timestamp;
    fn add(self, secs: f64) -> Timestamp {
        Timestamp(self.0 + (secs * 1e6).round() as i64)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        // Times outside RFC 3339's years are written as a raw microsecond count.
        if let Some(raw) = s.strip_suffix("us") {
            return raw
                .parse()
                .map(Timestamp)
                .map_err(|_| TimeError(s.to_string()));
        }
        let st = humantime::parse_rfc3339_weak(s.trim_end_matches('Z'))
            .map_err(|_| TimeError(s.to_string()))?;
        let us = match st.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_micros()).map_err(|_| TimeError(s.to_string()))?,
            Err(e) => {
                -i64::try_from(e.duration().as_micros()).map_err(|_| TimeError(s.to_string()))?
            }
        };
        Ok(Timestamp(us))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_system_time() {
            Some(st) if self.0 >= 0 && self.0 < 253_402_300_800_000_000 => {
                write!(f, "{}", humantime::format_rfc3339_micros(st))
            }
            // Outside what RFC 3339 can show: fall back to the raw count.
            _ => write!(f, "{}us", self.0),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            struct V;
            impl de::Visitor<'_> for V {
                type Value = Timestamp;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an RFC 3339 UTC time")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                    v.parse().map_err(E::custom)
                }
            }
            d.deserialize_str(V)
        } else {
            i64::deserialize(d).map(Timestamp)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = Timestamp::from_micros(1_795_000_000_123_456);
        let back: Timestamp = t.to_string().parse().unwrap();
        assert_eq!(back, t);
        assert_eq!(
            serde_json::from_str::<Timestamp>(&serde_json::to_string(&t).unwrap()).unwrap(),
            t
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!("yesterday".parse::<Timestamp>().is_err());
        assert!(serde_json::from_str::<Timestamp>("\"2026-13-01T00:00:00Z\"").is_err());
    }

    #[test]
    fn epoch_and_offsets() {
        let t: Timestamp = "1970-01-01T00:00:01Z".parse().unwrap();
        assert_eq!(t.micros(), 1_000_000);
        assert_eq!((t + 0.25).secs_since(t), 0.25);
    }
}

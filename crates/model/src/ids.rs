//! Identifiers that end up inside zenoh key expressions and audit logs.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("nation id {0:?} is not an ISO 3166 alpha-3 code (three letters A-Z)")]
    Nation(String),
    #[error("sensor id {0:?} must be 1-64 characters of A-Z, a-z, 0-9, '-', '_' or '.'")]
    Sensor(String),
}

/// An ISO 3166-1 alpha-3 country code, such as `COL` or `MEX`.
///
/// Stored as three ASCII bytes so it is `Copy` and cheap to compare on the hot path.
///
/// ```
/// use cuenca_model::NationId;
/// let col: NationId = "COL".parse()?;
/// assert_eq!(col.as_str(), "COL");
/// assert!(NationId::new("col").is_err());
/// # Ok::<(), cuenca_model::IdError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NationId([u8; 3]);

impl NationId {
    /// Parses an upper-case alpha-3 code.
    pub fn new(code: &str) -> Result<Self, IdError> {
        match code.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => {
                Ok(NationId([*a, *b, *c]))
            }
            _ => Err(IdError::Nation(code.to_string())),
        }
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        // The constructor admits only ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for NationId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        NationId::new(s)
    }
}

impl fmt::Display for NationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for NationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for NationId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NationId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = NationId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 3166 alpha-3 code")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NationId, E> {
                NationId::new(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A sensor's name, unique within its nation: `col-radar-cartagena`.
///
/// Restricted to characters that are literal in zenoh key expressions, so a sensor
/// can never publish into a wildcard or someone else's key space.
///
/// ```
/// use cuenca_model::SensorId;
/// assert!(SensorId::new("mex-ais-cancun").is_ok());
/// assert!(SensorId::new("a/b").is_err());
/// assert!(SensorId::new("**").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SensorId(String);

impl SensorId {
    /// Validates and wraps a sensor name.
    pub fn new(name: &str) -> Result<Self, IdError> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(SensorId(name.to_string()))
        } else {
            Err(IdError::Sensor(name.to_string()))
        }
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SensorId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        SensorId::new(s)
    }
}

impl fmt::Display for SensorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SensorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl<'de> Deserialize<'de> for SensorId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = SensorId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sensor id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SensorId, E> {
                SensorId::new(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nation_codes() {
        assert!(NationId::new("USA").is_ok());
        for bad in ["", "US", "USAA", "us1", "ÜSA", "U A"] {
            assert_eq!(NationId::new(bad), Err(IdError::Nation(bad.into())));
        }
    }

    #[test]
    fn nation_serde_is_a_string_and_validates() {
        let n = NationId::new("CRI").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"CRI\"");
        assert!(serde_json::from_str::<NationId>("\"cri\"").is_err());
    }

    #[test]
    fn sensor_ids_refuse_key_expression_syntax() {
        for bad in ["", "a/b", "*", "a$b", "a?b", "a#b", &"x".repeat(65)] {
            assert!(SensorId::new(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<SensorId>("\"a/b\"").is_err());
    }
}

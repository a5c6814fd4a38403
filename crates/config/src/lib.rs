//! Cuenca's configuration: one TOML file, read once at start and validated whole.
//!
//! The embedded default (`config/cuenca.toml` in the repository) runs everything in
//! one process. Every check names the file and the field, so an operator editing a
//! deployment's copy knows exactly what to fix; `cuenca config check FILE` runs the
//! same checks without starting anything.
//!
//! ```
//! let cfg = cuenca_config::Config::embedded()?;
//! assert_eq!(cfg.http.listen.port(), 8080);
//! assert!(cfg.members.nations.iter().any(|n| n.as_str() == "COL"));
//! # Ok::<(), cuenca_config::ConfigError>(())
//! ```

use cuenca_model::{GeoPoint, MeasurementKind, NationId, ReleaseTo, SensorId};
use serde::{de, Deserialize, Deserializer};
use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The text of the embedded default configuration.
pub const EMBEDDED: &str = include_str!("../../../config/cuenca.toml");
/// The name errors use for the embedded configuration.
pub const EMBEDDED_NAME: &str = "<embedded config/cuenca.toml>";

/// What is wrong with a configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: field `{field}`: {reason}")]
    Invalid {
        file: String,
        field: String,
        reason: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub zenoh: ZenohConfig,
    pub http: HttpConfig,
    pub region: Region,
    pub fusion: FusionConfig,
    pub members: Members,
    #[serde(default)]
    pub sensors: Vec<SensorConfig>,
    #[serde(default)]
    pub demo: DemoConfig,
    #[serde(default)]
    pub cop: CopConfig,
    /// API tokens; every HTTP endpoint but health needs one.
    #[serde(default)]
    pub tokens: Vec<TokenConfig>,
    #[serde(default)]
    pub audit: AuditConfig,
}

/// How the picture is served: update rate, streams, history.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CopConfig {
    /// How often the picture is snapshotted, published on zenoh and sent to streams.
    pub update_interval_ms: u64,
    /// Stream rate a client gets when it does not ask for one.
    pub stream_rate_hz: f64,
    /// The most a stream client may ask for.
    pub stream_max_rate_hz: f64,
    /// Messages a stream client may fall behind before it is dropped.
    pub stream_queue: usize,
    /// Positions kept per track for `/tracks/{id}/history`.
    pub history_points: usize,
    /// Most features one `/tracks` page returns.
    pub max_page: usize,
}

impl Default for CopConfig {
    fn default() -> Self {
        CopConfig {
            update_interval_ms: 1000,
            stream_rate_hz: 1.0,
            stream_max_rate_hz: 10.0,
            stream_queue: 8,
            history_points: 600,
            max_page: 10_000,
        }
    }
}

/// What a token holder may do; each role includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads the picture, streams and sensor status.
    Viewer,
    /// Also reads service metrics.
    Operator,
    /// Also reads the audit log.
    Admin,
}

/// One API token. Only its SHA-256 is stored (`cuenca token hash TOKEN` prints it).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// Who holds it, for the audit log.
    pub label: String,
    pub nation: NationId,
    pub role: Role,
    /// Lower-case hex SHA-256 of the token.
    pub sha256: String,
}

/// The append-only record of who asked for what.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// JSON-lines file; rotated files get `.1`, `.2`, ... appended.
    pub path: PathBuf,
    /// Rotate when the file reaches this size.
    pub max_bytes: u64,
    /// Rotated files kept.
    pub keep: u32,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            path: PathBuf::from("var/audit.jsonl"),
            max_bytes: 16 * 1024 * 1024,
            keep: 5,
        }
    }
}

/// How this process joins the zenoh bus.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZenohConfig {
    pub mode: ZenohMode,
    #[serde(default)]
    pub connect: Vec<String>,
    #[serde(default)]
    pub listen: Vec<String>,
    #[serde(default)]
    pub multicast_scouting: bool,
}

/// zenoh's role for this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZenohMode {
    Peer,
    Client,
}

/// The HTTP API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    pub listen: SocketAddr,
}

/// The area the centre watches, in degrees.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub name: String,
    pub south: f64,
    pub north: f64,
    pub west: f64,
    pub east: f64,
}

impl Region {
    /// Whether a point lies inside the region.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.south..=self.north).contains(&lat) && (self.west..=self.east).contains(&lon)
    }
}

/// Tracker settings shared by every domain.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FusionConfig {
    pub oosm_window_s: f64,
    pub max_future_s: f64,
    pub confirm_hits: u32,
    pub confirm_window: u32,
    pub delete_after_sea_s: f64,
    pub delete_after_air_s: f64,
    pub delete_after_unknown_s: f64,
}

/// The member nations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Members {
    pub nations: Vec<NationId>,
}

/// A site position in the file: `{ lat = .., lon = .., alt_m = .. }`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub alt_m: Option<f64>,
}

impl From<Site> for GeoPoint {
    fn from(s: Site) -> GeoPoint {
        GeoPoint {
            lat: s.lat,
            lon: s.lon,
            alt_m: s.alt_m,
        }
    }
}

/// A sensor the centre accepts data from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorConfig {
    pub id: SensorId,
    pub nation: NationId,
    #[serde(deserialize_with = "kind_from_str")]
    pub kind: MeasurementKind,
    #[serde(deserialize_with = "release_from_toml")]
    pub release: ReleaseTo,
    pub site: Site,
    pub range_km: f64,
    /// Radar only: one-sigma range accuracy.
    #[serde(default)]
    pub sigma_range_m: Option<f64>,
    /// Radar only: one-sigma azimuth accuracy.
    #[serde(default)]
    pub sigma_azimuth_deg: Option<f64>,
}

/// Traffic generated inside `cuenca serve` for demonstrations.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub vessels: u32,
    #[serde(default)]
    pub aircraft: u32,
    #[serde(default)]
    pub seed: u64,
}

fn kind_from_str<'de, D: Deserializer<'de>>(d: D) -> Result<MeasurementKind, D::Error> {
    let s = String::deserialize(d)?;
    match s.as_str() {
        "radar" => Ok(MeasurementKind::RadarPlot),
        "ais" => Ok(MeasurementKind::AisReport),
        "adsb" => Ok(MeasurementKind::AdsbReport),
        "peer" => Ok(MeasurementKind::PeerTrack),
        _ => Err(de::Error::custom(format!(
            "unknown sensor kind {s:?}, expected radar, ais, adsb or peer"
        ))),
    }
}

/// `release = "all_members" | "owner_only" | ["PAN", "USA"]`.
fn release_from_toml<'de, D: Deserializer<'de>>(d: D) -> Result<ReleaseTo, D::Error> {
    struct V;
    impl<'de> de::Visitor<'de> for V {
        type Value = ReleaseTo;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("\"all_members\", \"owner_only\" or a list of nation codes")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<ReleaseTo, E> {
            match v {
                "all_members" => Ok(ReleaseTo::AllMembers),
                "owner_only" => Ok(ReleaseTo::OwnerOnly),
                _ => Err(E::custom(format!(
                    "unknown release {v:?}, expected \"all_members\", \"owner_only\" or a list of nations"
                ))),
            }
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ReleaseTo, A::Error> {
            let mut out = Vec::new();
            while let Some(n) = seq.next_element::<NationId>()? {
                out.push(n);
            }
            Ok(ReleaseTo::Nations(out))
        }
    }
    d.deserialize_any(V)
}

impl Config {
    /// The embedded default configuration.
    pub fn embedded() -> Result<Config, ConfigError> {
        Config::parse(EMBEDDED, EMBEDDED_NAME)
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        Config::parse(&text, &file)
    }

    /// Reads `path` if given, else the embedded default.
    pub fn load_or_embedded(path: Option<&PathBuf>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Config::load(p),
            None => Config::embedded(),
        }
    }

    /// Parses and validates TOML text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        cfg.validate(file)?;
        Ok(cfg)
    }

    /// Checks everything the types alone cannot.
    pub fn validate(&self, file: &str) -> Result<(), ConfigError> {
        let bad = |field: &str, reason: String| ConfigError::Invalid {
            file: file.to_string(),
            field: field.to_string(),
            reason,
        };
        for (i, ep) in self.zenoh.connect.iter().enumerate() {
            check_endpoint(ep).map_err(|r| bad(&format!("zenoh.connect[{i}]"), r))?;
        }
        for (i, ep) in self.zenoh.listen.iter().enumerate() {
            check_endpoint(ep).map_err(|r| bad(&format!("zenoh.listen[{i}]"), r))?;
        }
        if self.zenoh.mode == ZenohMode::Client && self.zenoh.connect.is_empty() {
            return Err(bad(
                "zenoh.connect",
                "client mode needs at least one router endpoint".into(),
            ));
        }
        let r = &self.region;
        for (f, v, lim) in [
            ("region.south", r.south, 90.0),
            ("region.north", r.north, 90.0),
            ("region.west", r.west, 180.0),
            ("region.east", r.east, 180.0),
        ] {
            if !(v.is_finite() && v.abs() <= lim) {
                return Err(bad(f, format!("{v} is not a valid coordinate")));
            }
        }
        if r.south >= r.north {
            return Err(bad("region.north", "must be north of region.south".into()));
        }
        if r.west >= r.east {
            return Err(bad("region.east", "must be east of region.west".into()));
        }
        let f = &self.fusion;
        for (name, v) in [
            ("fusion.oosm_window_s", f.oosm_window_s),
            ("fusion.max_future_s", f.max_future_s),
            ("fusion.delete_after_sea_s", f.delete_after_sea_s),
            ("fusion.delete_after_air_s", f.delete_after_air_s),
            ("fusion.delete_after_unknown_s", f.delete_after_unknown_s),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(bad(name, format!("{v} must be a finite number >= 0")));
            }
        }
        if f.confirm_hits == 0 || f.confirm_hits > f.confirm_window {
            return Err(bad(
                "fusion.confirm_hits",
                format!(
                    "must be between 1 and fusion.confirm_window ({})",
                    f.confirm_window
                ),
            ));
        }
        if self.members.nations.is_empty() {
            return Err(bad("members.nations", "lists no nation".into()));
        }
        let members: HashSet<NationId> = self.members.nations.iter().copied().collect();
        if members.len() != self.members.nations.len() {
            return Err(bad("members.nations", "lists a nation twice".into()));
        }
        let mut ids = HashSet::new();
        for (i, s) in self.sensors.iter().enumerate() {
            let field = |k: &str| format!("sensors[{i}].{k}");
            if !ids.insert(&s.id) {
                return Err(bad(&field("id"), format!("{} is used twice", s.id)));
            }
            if !members.contains(&s.nation) {
                return Err(bad(
                    &field("nation"),
                    format!("{} is not in members.nations", s.nation),
                ));
            }
            if let ReleaseTo::Nations(list) = &s.release {
                if let Some(n) = list.iter().find(|n| !members.contains(n)) {
                    return Err(bad(
                        &field("release"),
                        format!("{n} is not in members.nations"),
                    ));
                }
            }
            if !(s.site.lat.is_finite()
                && s.site.lon.is_finite()
                && s.site.lat.abs() <= 90.0
                && s.site.lon.abs() <= 180.0)
            {
                return Err(bad(
                    &field("site"),
                    "latitude or longitude out of range".into(),
                ));
            }
            if !(s.range_km.is_finite() && s.range_km > 0.0) {
                return Err(bad(&field("range_km"), "must be > 0".into()));
            }
            let positive = |v: Option<f64>| v.is_some_and(|x| x.is_finite() && x > 0.0);
            if s.kind == MeasurementKind::RadarPlot {
                if !positive(s.sigma_range_m) {
                    return Err(bad(
                        &field("sigma_range_m"),
                        "a radar needs a range accuracy > 0".into(),
                    ));
                }
                if !positive(s.sigma_azimuth_deg) {
                    return Err(bad(
                        &field("sigma_azimuth_deg"),
                        "a radar needs an azimuth accuracy > 0".into(),
                    ));
                }
            }
        }
        let c = &self.cop;
        if !(20..=60_000).contains(&c.update_interval_ms) {
            return Err(bad(
                "cop.update_interval_ms",
                "must be between 20 and 60000".into(),
            ));
        }
        if !(c.stream_max_rate_hz.is_finite() && c.stream_max_rate_hz > 0.0) {
            return Err(bad("cop.stream_max_rate_hz", "must be > 0".into()));
        }
        if !(c.stream_rate_hz.is_finite()
            && c.stream_rate_hz > 0.0
            && c.stream_rate_hz <= c.stream_max_rate_hz)
        {
            return Err(bad(
                "cop.stream_rate_hz",
                "must be > 0 and at most cop.stream_max_rate_hz".into(),
            ));
        }
        for (name, v) in [
            ("cop.stream_queue", c.stream_queue),
            ("cop.history_points", c.history_points),
            ("cop.max_page", c.max_page),
        ] {
            if v == 0 {
                return Err(bad(name, "must be > 0".into()));
            }
        }
        let mut hashes = HashSet::new();
        for (i, t) in self.tokens.iter().enumerate() {
            let field = |k: &str| format!("tokens[{i}].{k}");
            if !members.contains(&t.nation) {
                return Err(bad(
                    &field("nation"),
                    format!("{} is not in members.nations", t.nation),
                ));
            }
            let hex = t.sha256.len() == 64
                && t.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex {
                return Err(bad(
                    &field("sha256"),
                    "must be 64 lower-case hex digits (`cuenca token hash TOKEN`)".into(),
                ));
            }
            if !hashes.insert(&t.sha256) {
                return Err(bad(
                    &field("sha256"),
                    "the same token is listed twice".into(),
                ));
            }
        }
        if self.audit.max_bytes < 1024 {
            return Err(bad("audit.max_bytes", "must be at least 1024".into()));
        }
        if self.audit.path.as_os_str().is_empty() {
            return Err(bad("audit.path", "is empty".into()));
        }
        Ok(())
    }

    /// The configured sensor with this id.
    pub fn sensor(&self, id: &SensorId) -> Option<&SensorConfig> {
        self.sensors.iter().find(|s| &s.id == id)
    }
}

/// A zenoh endpoint is `<protocol>/<address>`, e.g. `tcp/10.0.0.5:7447`.
fn check_endpoint(ep: &str) -> Result<(), String> {
    match ep.split_once('/') {
        Some((proto, addr)) if !addr.is_empty() => match proto {
            "tcp" | "udp" => Ok(()),
            _ => Err(format!(
                "endpoint {ep:?}: protocol {proto:?} is not built in (tcp, udp)"
            )),
        },
        _ => Err(format!(
            "endpoint {ep:?} is not <protocol>/<address>, e.g. tcp/10.0.0.5:7447"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(from: &str, to: &str) -> Result<Config, ConfigError> {
        assert!(EMBEDDED.contains(from), "{from}");
        Config::parse(&EMBEDDED.replacen(from, to, 1), "test.toml")
    }

    fn field_of(r: Result<Config, ConfigError>) -> String {
        match r {
            Err(ConfigError::Invalid { field, file, .. }) => {
                assert_eq!(file, "test.toml");
                field
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn embedded_default_is_valid() {
        let c = Config::embedded().unwrap();
        assert_eq!(c.zenoh.mode, ZenohMode::Peer);
        assert_eq!(c.http.listen.to_string(), "127.0.0.1:8080");
        assert!(c.region.contains(21.0, -86.0));
        assert!(c.sensors.len() >= 3);
        let radars: HashSet<_> = c
            .sensors
            .iter()
            .filter(|s| s.kind == MeasurementKind::RadarPlot)
            .map(|s| (s.nation, s.release.clone()))
            .collect();
        assert_eq!(
            radars.len(),
            3,
            "three radars of different nations and rules"
        );
    }

    #[test]
    fn every_semantic_error_names_its_field() {
        assert_eq!(
            field_of(with("south = 5.0", "south = 40.0")),
            "region.north"
        );
        assert_eq!(
            field_of(with("west = -100.0", "west = -200.0")),
            "region.west"
        );
        assert_eq!(
            field_of(with("confirm_hits = 3", "confirm_hits = 9")),
            "fusion.confirm_hits"
        );
        assert_eq!(
            field_of(with("oosm_window_s = 30.0", "oosm_window_s = -1.0")),
            "fusion.oosm_window_s"
        );
        assert_eq!(
            field_of(with("connect = []", "connect = [\"10.0.0.1\"]")),
            "zenoh.connect[0]"
        );
        assert_eq!(
            field_of(with("mode = \"peer\"", "mode = \"client\"")),
            "zenoh.connect"
        );
        assert_eq!(
            field_of(with("nation = \"COL\"", "nation = \"FRA\"")),
            "sensors[0].nation"
        );
        assert_eq!(
            field_of(with("release = [\"PAN\", \"USA\"]", "release = [\"FRA\"]")),
            "sensors[0].release"
        );
        assert_eq!(
            field_of(with(
                "id = \"mex-radar-cancun\"",
                "id = \"col-radar-cartagena\""
            )),
            "sensors[1].id"
        );
        assert_eq!(
            field_of(with("sigma_range_m = 30.0", "")),
            "sensors[0].sigma_range_m"
        );
        assert_eq!(
            field_of(with("range_km = 150.0", "range_km = 0.0")),
            "sensors[0].range_km"
        );
    }

    #[test]
    fn cop_tokens_and_audit_are_checked() {
        let c = Config::embedded().unwrap();
        assert!(c.tokens.len() >= 2);
        assert!(c.tokens.iter().any(|t| t.role == Role::Viewer));
        assert!(Role::Viewer < Role::Operator && Role::Operator < Role::Admin);
        assert_eq!(
            field_of(with("update_interval_ms = 1000", "update_interval_ms = 0")),
            "cop.update_interval_ms"
        );
        assert_eq!(
            field_of(with("stream_rate_hz = 1.0", "stream_rate_hz = 50.0")),
            "cop.stream_rate_hz"
        );
        assert_eq!(
            field_of(with("history_points = 600", "history_points = 0")),
            "cop.history_points"
        );
        assert_eq!(
            field_of(with("nation = \"MEX\"\nrole", "nation = \"FRA\"\nrole")),
            "tokens[0].nation"
        );
        assert_eq!(
            field_of(with("sha256 = \"e83f", "sha256 = \"E83f")),
            "tokens[0].sha256"
        );
        assert_eq!(
            field_of(with("max_bytes = 16777216", "max_bytes = 10")),
            "audit.max_bytes"
        );
        // Sections left out take their defaults.
        let (head, rest) = EMBEDDED.split_once("# How the picture is served.").unwrap();
        let minimal = format!("{head}[region]{}", rest.split_once("[region]").unwrap().1);
        let m = Config::parse(&minimal, "m.toml").unwrap();
        assert_eq!(m.cop.update_interval_ms, 1000);
    }

    #[test]
    fn parse_errors_name_file_and_key() {
        for (from, to, needle) in [
            (
                "listen = \"127.0.0.1:8080\"",
                "listen = \"localhost\"",
                "listen",
            ),
            ("south = 5.0", "south = \"five\"", "south"),
            ("[http]", "[http]\nport = 1", "port"),
            ("nation = \"COL\"", "nation = \"col\"", "col"),
            (
                "release = \"all_members\"",
                "release = \"everyone\"",
                "everyone",
            ),
            ("kind = \"radar\"", "kind = \"sonar\"", "sonar"),
        ] {
            match with(from, to) {
                Err(e @ ConfigError::Parse { .. }) => {
                    let msg = e.to_string();
                    assert!(msg.starts_with("test.toml: "), "{msg}");
                    assert!(msg.contains(needle), "{msg} lacks {needle}");
                }
                other => panic!("{to}: expected a parse error, got {other:?}"),
            }
        }
    }

    #[test]
    fn missing_file_is_a_read_error() {
        let e = Config::load(Path::new("/nonexistent/cuenca.toml")).unwrap_err();
        assert!(matches!(e, ConfigError::Read { .. }));
        assert!(e.to_string().contains("/nonexistent/cuenca.toml"));
    }
}

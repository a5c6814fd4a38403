//! The scenario file: who moves where, which sensors watch, and what happens when.
//!
//! A scenario is TOML. Positions are `[lat, lon]` pairs in degrees; times are
//! seconds from the scenario's start; speeds are knots, as mariners and pilots
//! speak. Sea routes are written as lanes of waypoints that stay at sea (a test
//! checks the shipped scenarios against the coastlines).
//!
//! ```toml
//! name = "tiny"
//! duration_s = 600
//!
//! [[sensors]]
//! id = "mex-radar-cancun"
//! nation = "MEX"
//! kind = "radar"            # radar | ais | adsb
//! release = "all_members"   # or "owner_only", or ["USA", "COL"]
//! site = { lat = 21.16, lon = -86.80 }
//! range_km = 150
//! sigma_range_m = 25
//! sigma_azimuth_deg = 0.1
//! scan_s = 10               # radar: scan period
//! pd = 0.9                  # radar: probability of detection
//! clutter = 2.0             # radar: mean false plots per scan
//! format = "asterix"        # radar: CAT048 blocks, or "json" plot lines (default)
//!
//! [[lanes]]
//! name = "cancun-cozumel"
//! waypoints = [[21.05, -86.70], [20.60, -86.85]]
//!
//! [[targets]]
//! name = "GOFAST 1"
//! kind = "gofast"           # vessel | gofast | aircraft
//! lane = "cancun-cozumel"   # or waypoints = [[..], ..]
//! speed_kn = 40
//! ```
//!
//! Other sections: `[[traffic]]` (many vessels or aircraft on lanes, spread along
//! them at the start and going back and forth) and `[[events]]`
//! (`transponder_off` / `transponder_on` for a named target, and `surge`: a burst
//! of departures along lanes over a time window).

use cuenca_config::{SensorConfig, Site};
use cuenca_model::{MeasurementKind, NationId, ReleaseTo, SensorId, Timestamp};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// Why a scenario cannot be used. Every error names the field.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {field}: {reason}")]
    Invalid {
        file: String,
        field: String,
        reason: String,
    },
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Scenario time zero; `cuenca sim` anchors to the wall clock when absent.
    #[serde(default)]
    pub start: Option<Timestamp>,
    pub duration_s: f64,
    /// World step: sensors report at step boundaries.
    #[serde(default = "one")]
    pub step_s: f64,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub sensors: Vec<SimSensor>,
    #[serde(default)]
    pub lanes: Vec<Lane>,
    #[serde(default)]
    pub targets: Vec<TargetSpec>,
    #[serde(default)]
    pub traffic: Vec<Traffic>,
    #[serde(default)]
    pub events: Vec<Event>,
}

fn one() -> f64 {
    1.0
}
fn ten() -> f64 {
    10.0
}
fn thirty() -> f64 {
    30.0
}
fn pd_default() -> f64 {
    0.9
}
fn yes() -> bool {
    true
}

/// A site: `{ lat = .., lon = .. }`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// `"all_members"`, `"owner_only"` or a list of nations.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ReleaseSpec {
    Word(String),
    Nations(Vec<NationId>),
}

/// A simulated sensor. The identity fields are those of `config/cuenca.toml`; the
/// rest say how it behaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimSensor {
    pub id: SensorId,
    pub nation: NationId,
    /// `radar`, `ais` or `adsb`.
    pub kind: String,
    pub release: ReleaseSpec,
    pub site: LatLon,
    pub range_km: f64,
    #[serde(default)]
    pub sigma_range_m: Option<f64>,
    #[serde(default)]
    pub sigma_azimuth_deg: Option<f64>,
    /// Radar: seconds per antenna turn.
    #[serde(default = "ten")]
    pub scan_s: f64,
    /// Radar: probability of detecting a target in range on one scan.
    #[serde(default = "pd_default")]
    pub pd: f64,
    /// Radar: mean number of false plots per scan (Poisson, uniform over the disc).
    #[serde(default)]
    pub clutter: f64,
    /// Radar: aircraft below this altitude are seen too (surface search radars).
    #[serde(default)]
    pub max_altitude_ft: f64,
    /// Radar: what it writes, `json` (plot lines, the default) or `asterix` (CAT048).
    #[serde(default)]
    pub format: Option<String>,
    /// AIS: class A reporting interval under way.
    #[serde(default = "ten")]
    pub class_a_s: f64,
    /// AIS: class B reporting interval.
    #[serde(default = "thirty")]
    pub class_b_s: f64,
    /// AIS: share of messages received (slot collisions, fading).
    #[serde(default = "one")]
    pub p_receive: f64,
    /// ADS-B: seconds between position squitters heard from one aircraft.
    #[serde(default = "one")]
    pub interval_s: f64,
}

impl SimSensor {
    /// The kind as the model names it.
    pub fn measurement_kind(&self) -> Option<MeasurementKind> {
        match self.kind.as_str() {
            "radar" => Some(MeasurementKind::RadarPlot),
            "ais" => Some(MeasurementKind::AisReport),
            "adsb" => Some(MeasurementKind::AdsbReport),
            _ => None,
        }
    }

    /// The release rule as the model names it.
    pub fn release_to(&self) -> Option<ReleaseTo> {
        match &self.release {
            ReleaseSpec::Word(w) if w == "all_members" => Some(ReleaseTo::AllMembers),
            ReleaseSpec::Word(w) if w == "owner_only" => Some(ReleaseTo::OwnerOnly),
            ReleaseSpec::Word(_) => None,
            ReleaseSpec::Nations(n) => Some(ReleaseTo::Nations(n.clone())),
        }
    }
}

/// A named route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lane {
    pub name: String,
    /// `sea` (default) or `air`.
    #[serde(default = "sea")]
    pub domain: String,
    pub waypoints: Vec<[f64; 2]>,
}

fn sea() -> String {
    "sea".into()
}

/// One target with its own route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub name: String,
    /// `vessel`, `gofast` or `aircraft`.
    pub kind: String,
    #[serde(default)]
    pub lane: Option<String>,
    #[serde(default)]
    pub waypoints: Vec<[f64; 2]>,
    pub speed_kn: f64,
    #[serde(default)]
    pub start_s: f64,
    #[serde(default)]
    pub altitude_ft: Option<f64>,
    #[serde(default)]
    pub mmsi: Option<u32>,
    /// AIS class, "A" (default) or "B".
    #[serde(default)]
    pub ais_class: Option<String>,
    /// ICAO address as six hex digits.
    #[serde(default)]
    pub icao24: Option<String>,
    #[serde(default)]
    pub callsign: Option<String>,
    /// Whether its AIS or transponder is on at the start (go-fasts default to off).
    #[serde(default)]
    pub transponder: Option<bool>,
}

/// Many targets on lanes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    pub lanes: Vec<String>,
    pub count: u32,
    /// Speed range, knots.
    pub speed_kn: [f64; 2],
    /// Aircraft altitude range, feet.
    #[serde(default)]
    pub altitude_ft: Option<[f64; 2]>,
    /// Share of vessels with class B AIS.
    #[serde(default)]
    pub class_b_share: f64,
    /// Share of vessels with AIS off.
    #[serde(default)]
    pub dark_share: f64,
    /// Half of them run the lanes backwards.
    #[serde(default = "yes")]
    pub both_ways: bool,
}

/// Something that happens during the scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A named target switches its AIS or transponder off.
    TransponderOff { target: String, at_s: f64 },
    /// ... or on again.
    TransponderOn { target: String, at_s: f64 },
    /// `count` departures from the start of `lanes`, spread over `duration_s`.
    Surge {
        at_s: f64,
        duration_s: f64,
        lanes: Vec<String>,
        count: u32,
        speed_kn: [f64; 2],
        #[serde(default)]
        altitude_ft: Option<[f64; 2]>,
        #[serde(default)]
        class_b_share: f64,
    },
}

impl Scenario {
    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Scenario::parse(&text, &file)
    }

    /// Parses and checks TOML text; `file` names it in errors.
    ///
    /// ```
    /// let s = cuenca_sim::scenario::Scenario::parse(
    ///     "name = \"empty\"\nduration_s = 60\n", "inline")?;
    /// assert_eq!(s.duration_s, 60.0);
    /// let err = cuenca_sim::scenario::Scenario::parse("name = \"x\"\nduration_s = -1\n", "inline")
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("duration_s"));
    /// # Ok::<(), cuenca_sim::scenario::ScenarioError>(())
    /// ```
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let s: Scenario = toml::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        s.validate(file)?;
        Ok(s)
    }

    /// Checks what the types cannot.
    pub fn validate(&self, file: &str) -> Result<(), ScenarioError> {
        let bad = |field: String, reason: &str| ScenarioError::Invalid {
            file: file.to_string(),
            field,
            reason: reason.to_string(),
        };
        let pos = |x: f64| x.is_finite() && x > 0.0;
        if !pos(self.duration_s) {
            return Err(bad("duration_s".into(), "must be a positive number"));
        }
        if !pos(self.step_s) || self.step_s > 60.0 {
            return Err(bad("step_s".into(), "must be in (0, 60] seconds"));
        }
        let latlon = |p: [f64; 2]| {
            p[0].is_finite() && p[1].is_finite() && p[0].abs() <= 90.0 && p[1].abs() <= 180.0
        };
        let mut ids = HashSet::new();
        for (i, s) in self.sensors.iter().enumerate() {
            let f = |name: &str| format!("sensors[{i}].{name}");
            if !ids.insert(s.id.clone()) {
                return Err(bad(f("id"), "is used twice"));
            }
            let Some(kind) = s.measurement_kind() else {
                return Err(bad(f("kind"), "must be radar, ais or adsb"));
            };
            if s.release_to().is_none() {
                return Err(bad(
                    f("release"),
                    "must be \"all_members\", \"owner_only\" or a list of nations",
                ));
            }
            if !latlon([s.site.lat, s.site.lon]) {
                return Err(bad(f("site"), "is not a latitude and longitude"));
            }
            if !pos(s.range_km) {
                return Err(bad(f("range_km"), "must be positive"));
            }
            if kind == MeasurementKind::RadarPlot {
                if !s.sigma_range_m.is_some_and(pos) || !s.sigma_azimuth_deg.is_some_and(pos) {
                    return Err(bad(
                        f("sigma_range_m"),
                        "a radar needs positive sigma_range_m and sigma_azimuth_deg",
                    ));
                }
                if !pos(s.scan_s) {
                    return Err(bad(f("scan_s"), "must be positive"));
                }
                if !(0.0..=1.0).contains(&s.pd) {
                    return Err(bad(f("pd"), "must be within [0, 1]"));
                }
                if !(s.clutter.is_finite() && (0.0..=1000.0).contains(&s.clutter)) {
                    return Err(bad(f("clutter"), "must be within [0, 1000] per scan"));
                }
                if !matches!(s.format.as_deref(), None | Some("json") | Some("asterix")) {
                    return Err(bad(f("format"), "must be json or asterix"));
                }
            }
            if !pos(s.class_a_s) || !pos(s.class_b_s) || !pos(s.interval_s) {
                return Err(bad(f("class_a_s"), "reporting intervals must be positive"));
            }
            if !(0.0..=1.0).contains(&s.p_receive) {
                return Err(bad(f("p_receive"), "must be within [0, 1]"));
            }
        }
        let mut lanes = HashSet::new();
        for (i, l) in self.lanes.iter().enumerate() {
            let f = |name: &str| format!("lanes[{i}].{name}");
            if !lanes.insert(l.name.as_str()) {
                return Err(bad(f("name"), "is used twice"));
            }
            if l.domain != "sea" && l.domain != "air" {
                return Err(bad(f("domain"), "must be sea or air"));
            }
            if l.waypoints.len() < 2 || !l.waypoints.iter().all(|&p| latlon(p)) {
                return Err(bad(f("waypoints"), "needs two or more [lat, lon] points"));
            }
        }
        let lane_ok = |name: &str| lanes.contains(name);
        let mut names = HashSet::new();
        for (i, t) in self.targets.iter().enumerate() {
            let f = |name: &str| format!("targets[{i}].{name}");
            if !names.insert(t.name.as_str()) {
                return Err(bad(f("name"), "is used twice"));
            }
            if !matches!(t.kind.as_str(), "vessel" | "gofast" | "aircraft") {
                return Err(bad(f("kind"), "must be vessel, gofast or aircraft"));
            }
            match &t.lane {
                Some(l) if !lane_ok(l) => return Err(bad(f("lane"), "names no lane")),
                Some(_) if !t.waypoints.is_empty() => {
                    return Err(bad(f("waypoints"), "give a lane or waypoints, not both"))
                }
                None if t.waypoints.len() < 2 || !t.waypoints.iter().all(|&p| latlon(p)) => {
                    return Err(bad(f("waypoints"), "needs two or more [lat, lon] points"))
                }
                _ => {}
            }
            if !pos(t.speed_kn) || t.speed_kn > 1000.0 {
                return Err(bad(f("speed_kn"), "must be in (0, 1000] knots"));
            }
            if !(t.start_s.is_finite() && t.start_s >= 0.0) {
                return Err(bad(f("start_s"), "must be zero or more"));
            }
            if let Some(h) = &t.icao24 {
                if h.len() != 6 || u32::from_str_radix(h, 16).is_err() {
                    return Err(bad(f("icao24"), "must be six hex digits"));
                }
            }
            if let Some(c) = &t.ais_class {
                if c != "A" && c != "B" {
                    return Err(bad(f("ais_class"), "must be A or B"));
                }
            }
            if t.mmsi.is_some_and(|m| !(1..=999_999_999).contains(&m)) {
                return Err(bad(f("mmsi"), "must have at most nine digits"));
            }
        }
        let speeds = |s: [f64; 2]| pos(s[0]) && s[1] >= s[0] && s[1] <= 1000.0;
        for (i, t) in self.traffic.iter().enumerate() {
            let f = |name: &str| format!("traffic[{i}].{name}");
            if t.lanes.is_empty() || !t.lanes.iter().all(|l| lane_ok(l)) {
                return Err(bad(f("lanes"), "must name one or more lanes"));
            }
            if !speeds(t.speed_kn) {
                return Err(bad(f("speed_kn"), "must be [min, max] knots, min > 0"));
            }
            if !(0.0..=1.0).contains(&t.class_b_share) || !(0.0..=1.0).contains(&t.dark_share) {
                return Err(bad(f("class_b_share"), "shares must be within [0, 1]"));
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            let f = |name: &str| format!("events[{i}].{name}");
            match e {
                Event::TransponderOff { target, at_s } | Event::TransponderOn { target, at_s } => {
                    if !names.contains(target.as_str()) {
                        return Err(bad(f("target"), "names no target"));
                    }
                    if !(at_s.is_finite() && *at_s >= 0.0) {
                        return Err(bad(f("at_s"), "must be zero or more"));
                    }
                }
                Event::Surge {
                    at_s,
                    duration_s,
                    lanes: l,
                    speed_kn,
                    class_b_share,
                    ..
                } => {
                    if !at_s.is_finite() || *at_s < 0.0 || !pos(*duration_s) {
                        return Err(bad(f("at_s"), "needs at_s >= 0 and duration_s > 0"));
                    }
                    if l.is_empty() || !l.iter().all(|l| lane_ok(l)) {
                        return Err(bad(f("lanes"), "must name one or more lanes"));
                    }
                    if !speeds(*speed_kn) {
                        return Err(bad(f("speed_kn"), "must be [min, max] knots, min > 0"));
                    }
                    if !(0.0..=1.0).contains(class_b_share) {
                        return Err(bad(f("class_b_share"), "must be within [0, 1]"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The scenario's sensors as configuration entries, for a service that runs the
    /// scenario itself (`cuenca serve --scenario`).
    pub fn sensor_configs(&self) -> Vec<SensorConfig> {
        self.sensors
            .iter()
            .filter_map(|s| {
                Some(SensorConfig {
                    id: s.id.clone(),
                    nation: s.nation,
                    kind: s.measurement_kind()?,
                    release: s.release_to()?,
                    site: Site {
                        lat: s.site.lat,
                        lon: s.site.lon,
                        alt_m: None,
                    },
                    range_km: s.range_km,
                    sigma_range_m: s.sigma_range_m,
                    sigma_azimuth_deg: s.sigma_azimuth_deg,
                })
            })
            .collect()
    }
}

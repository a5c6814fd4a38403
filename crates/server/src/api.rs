//! What the API sends, as types: the same structs are serialised for HTTP, streams and
//! zenoh, and described in the OpenAPI document.

use cuenca_model::{Domain, Identity, MeasurementKind, ReleaseTo, Track, TrackStatus};
use serde::Serialize;
use utoipa::ToSchema;

/// A GeoJSON point (RFC 7946: longitude first).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Point {
    #[serde(rename = "type")]
    #[schema(example = "Point")]
    pub kind: &'static str,
    /// `[longitude, latitude]` in degrees (WGS-84).
    pub coordinates: [f64; 2],
}

/// What a track says about who it is. Absent fields are unknown.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct IdentityOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mmsi: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imo: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callsign: Option<String>,
    /// ICAO 24-bit address, six lower-case hex digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icao: Option<String>,
    /// Mode A code, four octal digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub squawk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// AIS ship and cargo type (0-99).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aircraft_type: Option<String>,
}

impl From<&Identity> for IdentityOut {
    fn from(i: &Identity) -> Self {
        IdentityOut {
            mmsi: i.mmsi,
            imo: i.imo,
            callsign: i.callsign.clone(),
            icao: i.icao24.map(|a| format!("{a:06x}")),
            squawk: i.squawk.map(|s| format!("{s:04}")),
            name: i.name.clone(),
            ship_type: i.ship_type,
            aircraft_type: i.aircraft_type.clone(),
        }
    }
}

/// A track's properties in a GeoJSON feature.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrackProperties {
    /// `tentative`, `confirmed` or `coasting`.
    pub status: &'static str,
    /// `sea`, `air` or `unknown`.
    pub domain: &'static str,
    pub speed_mps: f64,
    /// Course over ground, degrees true.
    pub course_deg: f64,
    /// One-sigma position error along the worst axis, metres.
    pub accuracy_m: f64,
    pub identity: IdentityOut,
    /// Contributing sensors the viewer may see.
    pub sensors: Vec<String>,
    /// Their nations, one per sensor.
    pub nations: Vec<String>,
    /// RFC 3339.
    pub created: String,
    /// Time of the last update, RFC 3339.
    pub updated: String,
}

/// A track as a GeoJSON feature.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Feature {
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    pub kind: &'static str,
    pub id: u64,
    pub geometry: Point,
    pub properties: TrackProperties,
}

/// Status name as the API spells it.
pub fn status_name(s: TrackStatus) -> &'static str {
    match s {
        TrackStatus::Tentative => "tentative",
        TrackStatus::Confirmed => "confirmed",
        TrackStatus::Coasting => "coasting",
    }
}

/// Domain name as the API spells it.
pub fn domain_name(d: Domain) -> &'static str {
    match d {
        Domain::Sea => "sea",
        Domain::Air => "air",
        Domain::Unknown => "unknown",
    }
}

/// Sensor kind as configuration spells it.
pub fn kind_name(k: MeasurementKind) -> &'static str {
    match k {
        MeasurementKind::RadarPlot => "radar",
        MeasurementKind::AisReport => "ais",
        MeasurementKind::AdsbReport => "adsb",
        MeasurementKind::PeerTrack => "peer",
    }
}

/// One-sigma error along the worst horizontal axis: the square root of the larger
/// eigenvalue of the position block of the covariance.
pub fn accuracy_m(t: &Track) -> f64 {
    let (a, b, d) = (t.covariance[0][0], t.covariance[0][1], t.covariance[1][1]);
    let mean = 0.5 * (a + d);
    let spread = (0.25 * (a - d) * (a - d) + b * b).sqrt();
    (mean + spread).max(0.0).sqrt()
}

impl From<&Track> for Feature {
    fn from(t: &Track) -> Self {
        Feature {
            kind: "Feature",
            id: t.id.0,
            geometry: Point {
                kind: "Point",
                coordinates: [t.position.lon, t.position.lat],
            },
            properties: TrackProperties {
                status: status_name(t.status),
                domain: domain_name(t.domain),
                speed_mps: round(t.speed_mps(), 2),
                course_deg: round(t.course_deg(), 1),
                accuracy_m: round(accuracy_m(t), 1),
                identity: (&t.identity).into(),
                sensors: t
                    .contributions
                    .iter()
                    .map(|c| c.sensor.to_string())
                    .collect(),
                nations: t
                    .contributions
                    .iter()
                    .map(|c| c.nation.to_string())
                    .collect(),
                created: t.created.to_string(),
                updated: t.updated.to_string(),
            },
        }
    }
}

fn round(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}

/// One sensor's part in a track.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContributionOut {
    pub sensor: String,
    pub nation: String,
    /// `radar`, `ais`, `adsb` or `peer`.
    pub kind: &'static str,
    pub last_seen: String,
    pub updates: u32,
}

/// Everything the viewer may know about one track.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrackDetail {
    pub id: u64,
    pub status: &'static str,
    pub domain: &'static str,
    pub identity: IdentityOut,
    pub lat: f64,
    pub lon: f64,
    pub speed_mps: f64,
    pub course_deg: f64,
    pub velocity_east_mps: f64,
    pub velocity_north_mps: f64,
    /// One-sigma position error along the worst axis, metres.
    pub accuracy_m: f64,
    /// One-sigma east and north velocity errors, m/s.
    pub velocity_sigma_mps: [f64; 2],
    pub created: String,
    pub updated: String,
    pub contributions: Vec<ContributionOut>,
}

impl From<&Track> for TrackDetail {
    fn from(t: &Track) -> Self {
        TrackDetail {
            id: t.id.0,
            status: status_name(t.status),
            domain: domain_name(t.domain),
            identity: (&t.identity).into(),
            lat: t.position.lat,
            lon: t.position.lon,
            speed_mps: t.speed_mps(),
            course_deg: t.course_deg(),
            velocity_east_mps: t.velocity.east_mps,
            velocity_north_mps: t.velocity.north_mps,
            accuracy_m: accuracy_m(t),
            velocity_sigma_mps: [
                t.covariance[2][2].max(0.0).sqrt(),
                t.covariance[3][3].max(0.0).sqrt(),
            ],
            created: t.created.to_string(),
            updated: t.updated.to_string(),
            contributions: t
                .contributions
                .iter()
                .map(|c| ContributionOut {
                    sensor: c.sensor.to_string(),
                    nation: c.nation.to_string(),
                    kind: kind_name(c.kind),
                    last_seen: c.last_seen.to_string(),
                    updates: c.updates,
                })
                .collect(),
        }
    }
}

/// One past position of a track.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct HistoryPoint {
    #[schema(value_type = String)]
    pub time: cuenca_model::Timestamp,
    pub lat: f64,
    pub lon: f64,
    pub speed_mps: f64,
    pub course_deg: f64,
}

/// A track's recent positions, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct History {
    pub id: u64,
    pub points: Vec<HistoryPoint>,
}

/// Who the token belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    pub nation: String,
    /// `viewer`, `operator` or `admin`.
    pub role: String,
    pub label: String,
}

/// A sensor the viewer may see data of, with its counters.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SensorStatus {
    pub id: String,
    pub nation: String,
    pub kind: &'static str,
    /// `all_members`, `owner_only` or the list of nations.
    #[schema(value_type = Object)]
    pub release: ReleaseTo,
    pub last_seen: Option<String>,
    pub batches: u64,
    pub measurements: u64,
    pub errors: u64,
}

/// The sensor list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Sensors {
    pub sensors: Vec<SensorStatus>,
}

/// Why a request failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    /// The query parameter at fault, for 400s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// A `/tracks` page (GeoJSON FeatureCollection, OGC API – Features style).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureCollection {
    #[serde(rename = "type")]
    #[schema(example = "FeatureCollection")]
    pub kind: &'static str,
    pub time_stamp: String,
    pub number_matched: usize,
    pub number_returned: usize,
    pub features: Vec<Feature>,
    pub links: Vec<Link>,
}

/// A link (`rel` = `self` or `next`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Link {
    pub rel: &'static str,
    pub href: String,
    #[serde(rename = "type")]
    pub media_type: &'static str,
}

/// One live update: tracks that changed (as features) and tracks that went away.
/// The first message of a stream is `full`: every visible matching track.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StreamMessage {
    pub time: String,
    pub full: bool,
    pub updated: Vec<Feature>,
    pub deleted: Vec<u64>,
}

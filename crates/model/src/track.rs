//! What the fusion core maintains and the COP serves.

use crate::{
    GeoPoint, Identity, MeasurementKind, NationId, Releasability, ReleaseTo, SensorId, Timestamp,
    Velocity,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A track's identifier: assigned once, never reused while the service runs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackId(pub u64);

impl fmt::Display for TrackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}

impl fmt::Debug for TrackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Where the object moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Sea,
    Air,
    /// Not yet known: an anonymous radar track before its speed or altitude tells.
    #[default]
    Unknown,
}

/// Where a track is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackStatus {
    /// Seen, but not yet often enough to be believed.
    Tentative,
    /// Believed and updated.
    Confirmed,
    /// Believed, but not updated lately: the state is a prediction.
    Coasting,
}

/// One sensor's part in a track, with the owner's release decision for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub sensor: SensorId,
    pub nation: NationId,
    pub kind: MeasurementKind,
    pub release: ReleaseTo,
    pub last_seen: Timestamp,
    pub updates: u32,
}

impl Contribution {
    /// The owner together with its release decision.
    pub fn releasability(&self) -> Releasability {
        Releasability {
            owner: self.nation,
            to: self.release.clone(),
        }
    }
}

/// The fused estimate of one object.
///
/// `covariance` is over (east, north, v_east, v_north) in the local tangent plane at
/// `position`, in m and m/s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: TrackId,
    pub domain: Domain,
    pub status: TrackStatus,
    pub position: GeoPoint,
    pub velocity: Velocity,
    pub covariance: [[f64; 4]; 4],
    pub identity: Identity,
    pub contributions: Vec<Contribution>,
    pub created: Timestamp,
    pub updated: Timestamp,
}

impl Track {
    /// Whether `viewer` may see at least one contribution, and so the track at all.
    ///
    /// ```
    /// # use cuenca_model::*;
    /// # let t = Track { id: TrackId(1), domain: Domain::Sea, status: TrackStatus::Confirmed,
    /// #   position: GeoPoint::new(10.0, -75.0), velocity: Velocity::from_speed_course(0.0, 0.0),
    /// #   covariance: [[0.0; 4]; 4], identity: Identity::default(), created: Timestamp(0), updated: Timestamp(0),
    /// #   contributions: vec![Contribution { sensor: SensorId::new("r")?, nation: NationId::new("COL")?,
    /// #   kind: MeasurementKind::RadarPlot, release: ReleaseTo::OwnerOnly, last_seen: Timestamp(0), updates: 1 }] };
    /// assert!(t.visible_to(NationId::new("COL")?));
    /// assert!(!t.visible_to(NationId::new("USA")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn visible_to(&self, viewer: NationId) -> bool {
        self.contributions
            .iter()
            .any(|c| c.releasability().allows(viewer))
    }

    /// Speed over ground in m/s.
    pub fn speed_mps(&self) -> f64 {
        self.velocity.east_mps.hypot(self.velocity.north_mps)
    }

    /// Course over ground in degrees true, 0..360.
    pub fn course_deg(&self) -> f64 {
        self.velocity
            .east_mps
            .atan2(self.velocity.north_mps)
            .to_degrees()
            .rem_euclid(360.0)
    }
}

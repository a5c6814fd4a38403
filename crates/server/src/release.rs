//! Releasability enforcement: the only code that turns the full picture into what
//! one audience may see.

use cuenca_model::{NationId, ReleaseTo, Track};

/// Who is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// A member nation.
    Nation(NationId),
    /// Anyone without a nation's credentials: only what owners release to all members.
    Public,
}

/// The track as `viewer` may see it, or `None` if no contribution is released to it.
/// Contributions the viewer may not see are removed from the copy.
///
/// ```
/// # use cuenca_model::*;
/// # use cuenca_server::release::{view, Viewer};
/// # let c = |n: &str, r: ReleaseTo| Contribution { sensor: SensorId::new("s").unwrap(),
/// #   nation: NationId::new(n).unwrap(), kind: MeasurementKind::RadarPlot, release: r,
/// #   last_seen: Timestamp(0), updates: 1 };
/// # let t = Track { id: TrackId(1), domain: Domain::Sea, status: TrackStatus::Confirmed,
/// #   position: GeoPoint::new(10.0, -75.0), velocity: Velocity::from_speed_course(0.0, 0.0),
/// #   covariance: [[0.0; 4]; 4], identity: Identity::default(), created: Timestamp(0), updated: Timestamp(0),
/// #   contributions: vec![c("COL", ReleaseTo::OwnerOnly), c("MEX", ReleaseTo::AllMembers)] };
/// let seen = view(&t, Viewer::Nation(NationId::new("USA")?)).unwrap();
/// assert_eq!(seen.contributions.len(), 1);
/// assert_eq!(seen.contributions[0].nation.as_str(), "MEX");
/// # Ok::<(), cuenca_model::IdError>(())
/// ```
pub fn view(track: &Track, viewer: Viewer) -> Option<Track> {
    let allowed = |c: &cuenca_model::Contribution| match viewer {
        Viewer::Nation(n) => c.releasability().allows(n),
        Viewer::Public => c.release == ReleaseTo::AllMembers,
    };
    if !track.contributions.iter().any(allowed) {
        return None;
    }
    let mut t = track.clone();
    t.contributions.retain(allowed);
    // Identity reported only by hidden contributions must not leak either.
    let identified = t.contributions.iter().any(|c| {
        matches!(
            c.kind,
            cuenca_model::MeasurementKind::AisReport | cuenca_model::MeasurementKind::AdsbReport
        )
    });
    if !identified {
        t.identity = Default::default();
    }
    Some(t)
}

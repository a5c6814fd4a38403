//! Geodesy: WGS-84 ↔ ECEF ↔ local tangent planes (ENU).
//!
//! The tracker filters in a local east/north plane anchored near each track, so a
//! track in the Gulf of Mexico and one off Trinidad are both filtered in a flat,
//! metre-accurate frame. Earth-centred (ECEF) coordinates are the common currency
//! between those planes and the gating R-tree: they are metres everywhere, with no
//! distortion at any latitude. Geodesic distances and bearings (radar azimuths,
//! plausibility checks) come from the `geo` crate's Karney geodesics.

use geo::{Destination, Distance, Geodesic, Point};

/// WGS-84 semi-major axis, m.
pub const A: f64 = 6_378_137.0;
/// WGS-84 flattening.
pub const F: f64 = 1.0 / 298.257_223_563;
const E2: f64 = F * (2.0 - F);

/// Earth-centred, earth-fixed coordinates in metres.
pub type Ecef = [f64; 3];

/// Geodetic degrees and metres above the ellipsoid to ECEF.
pub fn to_ecef(lat_deg: f64, lon_deg: f64, h: f64) -> Ecef {
    let (lat, lon) = (lat_deg.to_radians(), lon_deg.to_radians());
    let (sl, cl) = lat.sin_cos();
    let n = A / (1.0 - E2 * sl * sl).sqrt();
    [
        (n + h) * cl * lon.cos(),
        (n + h) * cl * lon.sin(),
        (n * (1.0 - E2) + h) * sl,
    ]
}

/// ECEF to geodetic (degrees, degrees, metres), by Bowring's method with two refinements
/// (sub-millimetre for any point near the surface).
pub fn from_ecef(p: Ecef) -> (f64, f64, f64) {
    let [x, y, z] = p;
    let lon = y.atan2(x);
    let r = x.hypot(y);
    let mut lat = z.atan2(r * (1.0 - E2));
    let mut h = 0.0;
    for _ in 0..4 {
        let sl = lat.sin();
        let n = A / (1.0 - E2 * sl * sl).sqrt();
        h = if lat.cos().abs() > 1e-9 {
            r / lat.cos() - n
        } else {
            z.abs() - n * (1.0 - E2)
        };
        lat = z.atan2(r * (1.0 - E2 * n / (n + h)));
    }
    (lat.to_degrees(), lon.to_degrees(), h)
}

/// A local east/north/up tangent plane at a point on the ellipsoid.
///
/// ```
/// use cuenca_fusion::geodesy::Anchor;
/// let a = Anchor::new(10.4, -75.55);
/// let [e, n] = a.to_local(a.to_ecef_en([1000.0, -2000.0]));
/// assert!((e - 1000.0).abs() < 1e-6 && (n + 2000.0).abs() < 1e-6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub lat: f64,
    pub lon: f64,
    origin: Ecef,
    /// Rows: unit east, north, up vectors in ECEF.
    rot: [[f64; 3]; 3],
}

impl Anchor {
    /// The tangent plane at `lat`, `lon` (degrees) on the ellipsoid surface.
    pub fn new(lat: f64, lon: f64) -> Anchor {
        let (sl, cl) = lat.to_radians().sin_cos();
        let (so, co) = lon.to_radians().sin_cos();
        Anchor {
            lat,
            lon,
            origin: to_ecef(lat, lon, 0.0),
            rot: [
                [-so, co, 0.0],
                [-sl * co, -sl * so, cl],
                [cl * co, cl * so, sl],
            ],
        }
    }

    /// ENU coordinates of an ECEF point.
    pub fn to_enu(&self, p: Ecef) -> [f64; 3] {
        let d = [
            p[0] - self.origin[0],
            p[1] - self.origin[1],
            p[2] - self.origin[2],
        ];
        self.rot.map(|r| r[0] * d[0] + r[1] * d[1] + r[2] * d[2])
    }

    /// East and north of an ECEF point (the plane the tracker filters in).
    pub fn to_local(&self, p: Ecef) -> [f64; 2] {
        let [e, n, _] = self.to_enu(p);
        [e, n]
    }

    /// ECEF of an ENU point.
    pub fn to_ecef(&self, enu: [f64; 3]) -> Ecef {
        let r = &self.rot;
        let v = |i: usize| r[0][i] * enu[0] + r[1][i] * enu[1] + r[2][i] * enu[2];
        [
            self.origin[0] + v(0),
            self.origin[1] + v(1),
            self.origin[2] + v(2),
        ]
    }

    /// ECEF of a point on the plane at `[east, north]`, dropped to the ellipsoid surface
    /// (the plane's tangent point is on it; points away from it are below its height).
    pub fn to_ecef_en(&self, en: [f64; 2]) -> Ecef {
        // The plane lies above the curved surface by d²/2R; lift the point back down so
        // that positions on the plane and on the ellipsoid agree.
        let d2 = en[0] * en[0] + en[1] * en[1];
        self.to_ecef([en[0], en[1], -d2 / (2.0 * A)])
    }

    /// Geodetic position of a point on the plane (degrees).
    pub fn to_geodetic(&self, en: [f64; 2]) -> (f64, f64) {
        let (lat, lon, _) = from_ecef(self.to_ecef_en(en));
        (lat, lon)
    }

    /// The 2×2 rotation taking horizontal vectors in `self`'s plane into `other`'s.
    pub fn rotation_to(&self, other: &Anchor) -> [[f64; 2]; 2] {
        let dot = |a: &[f64; 3], b: &[f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        [
            [
                dot(&other.rot[0], &self.rot[0]),
                dot(&other.rot[0], &self.rot[1]),
            ],
            [
                dot(&other.rot[1], &self.rot[0]),
                dot(&other.rot[1], &self.rot[1]),
            ],
        ]
    }
}

/// Geodesic distance in metres between two points (degrees), WGS-84.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Geodesic.distance(Point::new(lon1, lat1), Point::new(lon2, lat2))
}

/// The point reached from `lat`, `lon` along azimuth `bearing_deg` (true) for `range_m`.
pub fn destination(lat: f64, lon: f64, bearing_deg: f64, range_m: f64) -> (f64, f64) {
    let p = Geodesic.destination(Point::new(lon, lat), bearing_deg, range_m);
    (p.y(), p.x())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_ecef() {
        // The equator at the prime meridian is one semi-major axis out along x.
        let p = to_ecef(0.0, 0.0, 0.0);
        assert!((p[0] - A).abs() < 1e-6 && p[1].abs() < 1e-6 && p[2].abs() < 1e-6);
        // The pole is at the semi-minor axis b = a(1 - f) = 6,356,752.314 m.
        let p = to_ecef(90.0, 0.0, 0.0);
        assert!((p[2] - 6_356_752.314_245).abs() < 1e-3);
    }

    #[test]
    fn known_geodesic_distances() {
        // One degree of longitude on the WGS-84 equator is 111,319.491 m.
        assert!((distance_m(0.0, 0.0, 0.0, 1.0) - 111_319.491).abs() < 0.01);
        // One degree of latitude from the equator is 110,574.389 m (meridian arc).
        assert!((distance_m(0.0, 0.0, 1.0, 0.0) - 110_574.389).abs() < 0.01);
    }

    #[test]
    fn enu_distances_agree_with_geodesics_near_the_anchor() {
        // Cancún: a point 30 km away measured on the plane and along the ellipsoid.
        let a = Anchor::new(21.16, -86.8);
        for bearing in [0.0, 45.0, 90.0, 200.0] {
            let (lat, lon) = destination(21.16, -86.8, bearing, 30_000.0);
            let [e, n] = a.to_local(to_ecef(lat, lon, 0.0));
            let plane = e.hypot(n);
            assert!((plane - 30_000.0).abs() < 1.0, "{bearing}: {plane}");
            let az = e.atan2(n).to_degrees();
            let diff = (az - bearing + 540.0).rem_euclid(360.0) - 180.0;
            assert!(diff.abs() < 0.01, "{bearing}: {az}");
        }
    }

    #[test]
    fn rotation_between_planes_is_meridian_convergence() {
        let a = Anchor::new(20.0, -80.0);
        let b = Anchor::new(20.0, -79.0);
        let r = a.rotation_to(&b);
        // Convergence ≈ Δλ·sin φ = 1°·sin 20° = 0.342°.
        let angle = r[1][0].atan2(r[0][0]).to_degrees();
        assert!((angle.abs() - 0.342).abs() < 0.005, "{angle}");
    }

    proptest! {
        #[test]
        fn geodetic_ecef_round_trip(lat in -89.9f64..89.9, lon in -180.0f64..180.0, h in -1000.0f64..20000.0) {
            let (la, lo, hh) = from_ecef(to_ecef(lat, lon, h));
            prop_assert!((la - lat).abs() < 1e-9 && (lo - lon).abs() < 1e-9 && (hh - h).abs() < 1e-4);
        }

        #[test]
        fn plane_geodetic_round_trip(lat in 5.0f64..32.0, lon in -100.0f64..-55.0, e in -50e3f64..50e3, n in -50e3f64..50e3) {
            let a = Anchor::new(lat, lon);
            let (la, lo) = a.to_geodetic([e, n]);
            let [e2, n2] = a.to_local(to_ecef(la, lo, 0.0));
            prop_assert!((e2 - e).abs() < 0.05 && (n2 - n).abs() < 0.05, "{e2} {n2}");
        }
    }
}

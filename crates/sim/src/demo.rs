//! The built-in demo: vessels and aircraft around the configured sensors.
//!
//! Vessels cruise at 3–15 m/s (some with AIS switched off), aircraft at 180–250 m/s;
//! each configured sensor reports what is inside its range the way that kind of
//! sensor does: AIS every 10 s with an MMSI, ADS-B every 5 s with an ICAO address,
//! radars once per 10 s scan as range/azimuth plots with noise and Pd = 0.9.

use cuenca_config::{Config, SensorConfig};
use cuenca_model::{
    GeoPoint, Identity, Measurement, MeasurementBatch, MeasurementKind, Polar, PositionCov,
    Timestamp, Velocity,
};
use geo::{Bearing, Destination, Distance, Geodesic, Point};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Target {
    lat: f64,
    lon: f64,
    speed: f64,
    course: f64,
    air: bool,
    /// Broadcasts its identity (AIS or ADS-B) when set.
    identity: Option<Identity>,
    /// The sensor whose area it stays near.
    home: usize,
}

/// A running demo world.
///
/// ```
/// let cfg = cuenca_config::Config::embedded()?;
/// let mut demo = cuenca_sim::demo::Demo::new(&cfg);
/// let t0 = cuenca_model::Timestamp::from_micros(1_795_000_000_000_000);
/// let mut reports = 0;
/// for k in 0..20 {
///     for (_kind, batch) in demo.step(t0 + k as f64) {
///         reports += batch.measurements.len();
///     }
/// }
/// assert!(reports > 100);
/// # Ok::<(), cuenca_config::ConfigError>(())
/// ```
pub struct Demo {
    sensors: Vec<SensorConfig>,
    targets: Vec<Target>,
    rng: StdRng,
    last: Option<Timestamp>,
    seq: Vec<u64>,
}

fn kind_period(kind: MeasurementKind) -> f64 {
    match kind {
        MeasurementKind::AdsbReport => 5.0,
        _ => 10.0,
    }
}

impl Demo {
    /// A world populated per the `[demo]` section around the configured sensors.
    pub fn new(cfg: &Config) -> Demo {
        let mut rng = StdRng::seed_from_u64(cfg.demo.seed);
        let sensors = cfg.sensors.clone();
        let mut targets = Vec::new();
        let sea: Vec<usize> = (0..sensors.len())
            .filter(|&i| sensors[i].kind != MeasurementKind::AdsbReport)
            .collect();
        let air: Vec<usize> = (0..sensors.len())
            .filter(|&i| sensors[i].kind == MeasurementKind::AdsbReport)
            .collect();
        let mut spawn = |n: u32, homes: &[usize], is_air: bool, rng: &mut StdRng| {
            if homes.is_empty() {
                return;
            }
            for k in 0..n {
                let home = homes[k as usize % homes.len()];
                let s = &sensors[home];
                let r = s.range_km * 1000.0 * rng.gen_range(0.2..0.85);
                let p = Geodesic.destination(
                    Point::new(s.site.lon, s.site.lat),
                    rng.gen_range(0.0..360.0),
                    r,
                );
                let identity = if is_air {
                    Some(Identity {
                        icao24: Some(0x0A_0000 + k),
                        callsign: Some(format!("CUE{:04}", k)),
                        // Mode A codes are four octal digits.
                        squawk: format!("{:o}", 0o1000 + k % 0o700).parse().ok(),
                        ..Identity::default()
                    })
                } else if rng.gen_bool(0.9) {
                    Some(Identity {
                        mmsi: Some(300_000_000 + k),
                        name: Some(format!("DEMO VESSEL {k}")),
                        ship_type: Some(70),
                        ..Identity::default()
                    })
                } else {
                    None // running dark
                };
                targets.push(Target {
                    lat: p.y(),
                    lon: p.x(),
                    speed: if is_air {
                        rng.gen_range(180.0..250.0)
                    } else {
                        rng.gen_range(3.0..15.0)
                    },
                    course: rng.gen_range(0.0..360.0),
                    air: is_air,
                    identity,
                    home,
                });
            }
        };
        spawn(cfg.demo.vessels, &sea, false, &mut rng);
        spawn(cfg.demo.aircraft, &air, true, &mut rng);
        Demo {
            seq: vec![0; sensors.len()],
            sensors,
            targets,
            rng,
            last: None,
        }
    }

    /// Number of simulated objects.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Advances the world to `now` and returns the batches sensors report at this step.
    pub fn step(&mut self, now: Timestamp) -> Vec<(MeasurementKind, MeasurementBatch)> {
        let prev = self.last.replace(now);
        let dt = prev.map(|p| now.secs_since(p)).unwrap_or(0.0).max(0.0);
        for t in &mut self.targets {
            let here = Point::new(t.lon, t.lat);
            let p = Geodesic.destination(here, t.course, t.speed * dt);
            t.lat = p.y();
            t.lon = p.x();
            // Stay in the home sensor's area: turn back toward it near the edge.
            let home = &self.sensors[t.home];
            let site = Point::new(home.site.lon, home.site.lat);
            if Geodesic.distance(site, p) > home.range_km * 900.0 {
                t.course = Geodesic.bearing(p, site) + self.rng.gen_range(-30.0..30.0);
            } else if self.rng.gen_bool((0.002 * dt).min(1.0)) {
                t.course += self.rng.gen_range(-45.0..45.0);
            }
            t.course = t.course.rem_euclid(360.0);
        }
        let Some(prev) = prev else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, s) in self.sensors.iter().enumerate() {
            // Each sensor reports once per period, at its own phase.
            let period = kind_period(s.kind);
            let phase = (i as f64 * 1.7) % period;
            let slot = |t: Timestamp| ((t.as_secs_f64() - phase) / period).floor();
            if slot(now) == slot(prev) {
                continue;
            }
            self.seq[i] += 1;
            let mut batch = MeasurementBatch::new(s.nation, s.id.clone(), self.seq[i]);
            let site = Point::new(s.site.lon, s.site.lat);
            for t in &self.targets {
                let p = Point::new(t.lon, t.lat);
                let range = Geodesic.distance(site, p);
                if range > s.range_km * 1000.0 {
                    continue;
                }
                let m = match s.kind {
                    MeasurementKind::AisReport if !t.air => t
                        .identity
                        .as_ref()
                        .map(|id| report(s, now, t, PositionCov::circular(10.0), id.clone())),
                    MeasurementKind::AdsbReport if t.air => t.identity.as_ref().map(|id| {
                        let mut m = report(s, now, t, PositionCov::circular(30.0), id.clone());
                        m.position.alt_m = Some(10_000.0);
                        m
                    }),
                    MeasurementKind::RadarPlot if !t.air && self.rng.gen_bool(0.9) => {
                        let (sr, sa) = (
                            s.sigma_range_m.unwrap_or(30.0),
                            s.sigma_azimuth_deg.unwrap_or(0.2),
                        );
                        let r = range + sr * gauss(&mut self.rng);
                        let az = Geodesic.bearing(site, p) + sa * gauss(&mut self.rng);
                        let q = Geodesic.destination(site, az, r);
                        // Converted covariance: range along the beam, cross-range across it.
                        let (sx, sy) = (sr, r * sa.to_radians());
                        let (sin, cos) = az.to_radians().sin_cos();
                        let cov = PositionCov {
                            ee: sx * sx * sin * sin + sy * sy * cos * cos,
                            en: (sx * sx - sy * sy) * sin * cos,
                            nn: sx * sx * cos * cos + sy * sy * sin * sin,
                        };
                        let mut m = report(s, now, t, cov, Identity::default());
                        m.position = GeoPoint::new(q.y(), q.x());
                        m.velocity = None;
                        m.polar = Some(Polar {
                            site: s.site.into(),
                            range_m: r,
                            azimuth_deg: az.rem_euclid(360.0),
                            sigma_range_m: sr,
                            sigma_azimuth_deg: sa,
                        });
                        Some(m)
                    }
                    _ => None,
                };
                batch.measurements.extend(m);
            }
            out.push((s.kind, batch));
        }
        out
    }
}

fn report(
    s: &SensorConfig,
    now: Timestamp,
    t: &Target,
    accuracy: PositionCov,
    identity: Identity,
) -> Measurement {
    Measurement {
        sensor: s.id.clone(),
        nation: s.nation,
        time: now,
        kind: s.kind,
        position: GeoPoint::new(t.lat, t.lon),
        accuracy,
        velocity: Some(Velocity::from_speed_course(t.speed, t.course)),
        polar: None,
        identity,
        release: s.release.clone(),
    }
}

/// A standard normal draw (Box–Muller).
fn gauss(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let v: f64 = rng.gen_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_is_valid_and_inside_its_sensor_range() {
        let cfg = Config::embedded().unwrap();
        let mut d = Demo::new(&cfg);
        assert_eq!(d.len() as u32, cfg.demo.vessels + cfg.demo.aircraft);
        let t0 = Timestamp::from_micros(1_795_000_000_000_000);
        let mut kinds = std::collections::HashSet::new();
        for k in 0..30 {
            for (kind, b) in d.step(t0 + k as f64) {
                kinds.insert(kind);
                let s = cfg.sensor(&b.sensor).unwrap();
                assert_eq!(s.kind, kind);
                for m in &b.measurements {
                    m.validate().unwrap();
                    assert_eq!(m.release, s.release);
                    let r = Geodesic.distance(
                        Point::new(s.site.lon, s.site.lat),
                        Point::new(m.position.lon, m.position.lat),
                    );
                    assert!(r < s.range_km * 1000.0 + 1000.0);
                }
            }
        }
        assert_eq!(kinds.len(), 3, "radar, AIS and ADS-B all report");
    }
}

//! Motion and measurement models on adskalman, and the IMM that mixes them.
//!
//! The state is `[east, north, v_east, v_north]` in metres and m/s in a track's local
//! plane. Motion is constant velocity driven by white-noise acceleration of power
//! spectral density `q` (m²/s³); the IMM runs two such models, a quiet one for
//! straight legs and a noisy one for manoeuvres, and mixes them by their likelihoods.

use adskalman::{
    CovarianceUpdateMethod, ObservationModel, StateAndCovariance, TransitionModelLinearNoControl,
};
use nalgebra::{Matrix2, Matrix2x4, Matrix4, Matrix4x2, Vector2, Vector4, U4};

/// A Gaussian state estimate.
pub type Gaussian = StateAndCovariance<f64, U4>;

/// The filter could not update (the innovation covariance is not positive definite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("innovation covariance is not positive definite")]
pub struct SingularInnovation;

/// Constant velocity over `dt` seconds with acceleration noise density `q`.
///
/// ```
/// use adskalman::TransitionModelLinearNoControl;
/// use cuenca_fusion::filter::{gaussian, ConstantVelocity};
/// let m = ConstantVelocity::new(10.0, 0.1);
/// let x = gaussian([0.0, 0.0, 5.0, -2.0], [100.0, 100.0, 1.0, 1.0]);
/// let p = m.predict(&x);
/// assert_eq!(p.state()[0], 50.0);
/// assert_eq!(p.state()[1], -20.0);
/// ```
pub struct ConstantVelocity {
    f: Matrix4<f64>,
    ft: Matrix4<f64>,
    q: Matrix4<f64>,
}

impl ConstantVelocity {
    /// The model for a step of `dt` seconds (negative `dt` retrodicts the mean; the
    /// noise is always added, so uncertainty grows either way).
    pub fn new(dt: f64, q: f64) -> Self {
        let mut f = Matrix4::identity();
        f[(0, 2)] = dt;
        f[(1, 3)] = dt;
        let a = dt.abs();
        let (q11, q12, q22) = (q * a * a * a / 3.0, q * a * a / 2.0 * dt.signum(), q * a);
        #[rustfmt::skip]
        let qm = Matrix4::new(
            q11, 0.0, q12, 0.0,
            0.0, q11, 0.0, q12,
            q12, 0.0, q22, 0.0,
            0.0, q12, 0.0, q22,
        );
        ConstantVelocity {
            f,
            ft: f.transpose(),
            q: qm,
        }
    }
}

impl TransitionModelLinearNoControl<f64, U4> for ConstantVelocity {
    fn F(&self) -> &Matrix4<f64> {
        &self.f
    }
    fn FT(&self) -> &Matrix4<f64> {
        &self.ft
    }
    fn Q(&self) -> &Matrix4<f64> {
        &self.q
    }
}

/// A Gaussian from a mean and a diagonal covariance.
pub fn gaussian(mean: [f64; 4], var: [f64; 4]) -> Gaussian {
    Gaussian::new(
        Vector4::from(mean),
        Matrix4::from_diagonal(&Vector4::from(var)),
    )
}

/// A direct observation of position with covariance `r`.
pub struct PositionObservation {
    h: Matrix2x4<f64>,
    ht: Matrix4x2<f64>,
    r: Matrix2<f64>,
}

impl PositionObservation {
    pub fn new(r: Matrix2<f64>) -> Self {
        let h = Matrix2x4::new(1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        PositionObservation {
            h,
            ht: h.transpose(),
            r,
        }
    }
}

impl ObservationModel<f64, U4, nalgebra::U2> for PositionObservation {
    fn H(&self) -> &Matrix2x4<f64> {
        &self.h
    }
    fn HT(&self) -> &Matrix4x2<f64> {
        &self.ht
    }
    fn R(&self) -> &Matrix2<f64> {
        &self.r
    }
}

/// A range/azimuth observation from a radar site, linearised at the prior (an EKF update).
///
/// `site` is the radar's position in the track's plane and `rot` turns the track plane's
/// axes into the site's (meridian convergence), so azimuths are measured from the
/// site's own north as the radar measures them.
pub struct PolarObservation {
    site: [f64; 2],
    rot: [[f64; 2]; 2],
    h: Matrix2x4<f64>,
    ht: Matrix4x2<f64>,
    r: Matrix2<f64>,
}

impl PolarObservation {
    /// Linearises at `prior`. `sigma_range` in metres, `sigma_az` in radians.
    pub fn new(
        site: [f64; 2],
        rot: [[f64; 2]; 2],
        sigma_range: f64,
        sigma_az: f64,
        prior: &Vector4<f64>,
    ) -> Self {
        let [e, n] = site_frame(site, rot, prior[0], prior[1]);
        let r2 = (e * e + n * n).max(1.0);
        let r1 = r2.sqrt();
        // d(range, az)/d(e_site, n_site), then chain through the rotation.
        let j = Matrix2::new(e / r1, n / r1, n / r2, -e / r2);
        let m = Matrix2::new(rot[0][0], rot[0][1], rot[1][0], rot[1][1]);
        let jp = j * m;
        let h = Matrix2x4::new(
            jp[(0, 0)],
            jp[(0, 1)],
            0.0,
            0.0,
            jp[(1, 0)],
            jp[(1, 1)],
            0.0,
            0.0,
        );
        PolarObservation {
            site,
            rot,
            h,
            ht: h.transpose(),
            r: Matrix2::new(sigma_range * sigma_range, 0.0, 0.0, sigma_az * sigma_az),
        }
    }

    /// Range and azimuth (radians, clockwise from the site's north) of a state.
    pub fn observe(&self, x: &Vector4<f64>) -> Vector2<f64> {
        let [e, n] = site_frame(self.site, self.rot, x[0], x[1]);
        Vector2::new(e.hypot(n), e.atan2(n))
    }
}

fn site_frame(site: [f64; 2], rot: [[f64; 2]; 2], e: f64, n: f64) -> [f64; 2] {
    let (de, dn) = (e - site[0], n - site[1]);
    [
        rot[0][0] * de + rot[0][1] * dn,
        rot[1][0] * de + rot[1][1] * dn,
    ]
}

impl ObservationModel<f64, U4, nalgebra::U2> for PolarObservation {
    fn predict_observation(&self, state: &Vector4<f64>) -> Vector2<f64> {
        self.observe(state)
    }
    fn H(&self) -> &Matrix2x4<f64> {
        &self.h
    }
    fn HT(&self) -> &Matrix4x2<f64> {
        &self.ht
    }
    fn R(&self) -> &Matrix2<f64> {
        &self.r
    }
}

/// Wraps an angle difference into (-π, π].
pub fn wrap_angle(a: f64) -> f64 {
    let w = (a + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI;
    if w == -std::f64::consts::PI {
        std::f64::consts::PI
    } else {
        w
    }
}

/// An observation the tracker can apply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Observation {
    /// Position in the track's plane with its covariance (ee, en, nn).
    Position { z: [f64; 2], r: [f64; 3] },
    /// Range and azimuth from a radar site.
    Polar(RadarObservation),
}

/// Range (m) and azimuth (rad) from a site at `site` in the track's plane, whose
/// axes `rot` turns into the site's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RadarObservation {
    pub site: [f64; 2],
    pub rot: [[f64; 2]; 2],
    pub range: f64,
    pub azimuth: f64,
    pub sigma_range: f64,
    pub sigma_az: f64,
}

/// The radar model linearised at `pred`, the observation with its azimuth on the same
/// branch as the prediction (so the innovation does not jump by 2π across north),
/// and the predicted observation.
fn linearise_polar(
    pred: &Gaussian,
    o: &RadarObservation,
) -> (PolarObservation, Vector2<f64>, Vector2<f64>) {
    let m = PolarObservation::new(o.site, o.rot, o.sigma_range, o.sigma_az, pred.state());
    let h = m.observe(pred.state());
    let z = Vector2::new(o.range, h[1] + wrap_angle(o.azimuth - h[1]));
    (m, z, h)
}

/// Innovation and its covariance for `obs` against a predicted Gaussian.
pub fn innovation(pred: &Gaussian, obs: &Observation) -> (Vector2<f64>, Matrix2<f64>) {
    let p = pred.covariance();
    match obs {
        Observation::Position { z, r } => {
            let nu = Vector2::new(z[0] - pred.state()[0], z[1] - pred.state()[1]);
            let s = Matrix2::new(
                p[(0, 0)] + r[0],
                p[(0, 1)] + r[1],
                p[(1, 0)] + r[1],
                p[(1, 1)] + r[2],
            );
            (nu, s)
        }
        Observation::Polar(o) => {
            let (m, z, h) = linearise_polar(pred, o);
            let s = m.h * p * m.ht + m.r;
            (z - h, s)
        }
    }
}

/// Squared Mahalanobis distance and ln det S, or `None` if S is singular.
pub fn mahalanobis(nu: &Vector2<f64>, s: &Matrix2<f64>) -> Option<(f64, f64)> {
    let det = s[(0, 0)] * s[(1, 1)] - s[(0, 1)] * s[(1, 0)];
    if !(det.is_finite() && det > 0.0 && s[(0, 0)] > 0.0) {
        return None;
    }
    let d2 = (s[(1, 1)] * nu[0] * nu[0] - (s[(0, 1)] + s[(1, 0)]) * nu[0] * nu[1]
        + s[(0, 0)] * nu[1] * nu[1])
        / det;
    Some((d2, det.ln()))
}

/// The Kalman update of `pred` with `obs`, by adskalman.
///
/// The covariance update is the optimal-gain form made symmetric: for these small,
/// well-conditioned problems it matches Joseph form to rounding (see the test
/// `optimal_gain_matches_joseph_form`) at about half the cost.
pub fn update(pred: &Gaussian, obs: &Observation) -> Result<Gaussian, SingularInnovation> {
    update_with(
        pred,
        obs,
        CovarianceUpdateMethod::OptimalKalmanForcedSymmetric,
    )
}

fn update_with(
    pred: &Gaussian,
    obs: &Observation,
    method: CovarianceUpdateMethod,
) -> Result<Gaussian, SingularInnovation> {
    let out = match obs {
        Observation::Position { z, r } => {
            let m = PositionObservation::new(Matrix2::new(r[0], r[1], r[1], r[2]));
            m.update(pred, &Vector2::new(z[0], z[1]), method)
        }
        Observation::Polar(o) => {
            let (m, z, _) = linearise_polar(pred, o);
            m.update(pred, &z, method)
        }
    };
    let g = out.map_err(|_| SingularInnovation)?;
    if g.state().iter().all(|v| v.is_finite()) {
        Ok(g)
    } else {
        Err(SingularInnovation)
    }
}

fn symmetrise(p: &mut Matrix4<f64>) {
    for i in 0..4 {
        for j in (i + 1)..4 {
            let v = 0.5 * (p[(i, j)] + p[(j, i)]);
            p[(i, j)] = v;
            p[(j, i)] = v;
        }
    }
}

/// Predicts a Gaussian `dt` seconds with noise density `q`.
pub fn predict(x: &Gaussian, dt: f64, q: f64) -> Gaussian {
    if dt == 0.0 {
        return x.clone();
    }
    let mut g = ConstantVelocity::new(dt, q).predict(x);
    symmetrise(g.covariance_mut());
    g
}

/// Which motion model a tracker runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Motion {
    /// One constant-velocity model.
    Cv { q: f64 },
    /// Interacting multiple models: two constant-velocity models with noise densities
    /// `q_quiet` and `q_manoeuvre`, and the probability of staying in a mode for one
    /// second (`p_stay`; per step it is scaled to the step's length).
    Imm {
        q_quiet: f64,
        q_manoeuvre: f64,
        p_stay: f64,
    },
}

/// The state of one track's filter: one Gaussian per mode and the mode probabilities.
#[derive(Debug, Clone)]
pub struct FilterState {
    pub modes: [Gaussian; 2],
    pub mu: [f64; 2],
}

impl FilterState {
    /// A filter started at one Gaussian, all modes equal.
    pub fn new(g: Gaussian, motion: &Motion) -> Self {
        let mu = match motion {
            Motion::Cv { .. } => [1.0, 0.0],
            Motion::Imm { .. } => [0.9, 0.1],
        };
        FilterState {
            modes: [g.clone(), g],
            mu,
        }
    }

    /// The moment-matched combined estimate.
    pub fn combined(&self) -> Gaussian {
        if self.mu[1] == 0.0 {
            return self.modes[0].clone();
        }
        combine(&self.modes, self.mu)
    }

    /// Predicts `dt` seconds (with IMM mixing first).
    pub fn predict(&self, dt: f64, motion: &Motion) -> FilterState {
        match *motion {
            Motion::Cv { q } => {
                // The second slot is unused with one model; keep it equal to the first.
                let g = predict(&self.modes[0], dt, q);
                FilterState {
                    modes: [g.clone(), g],
                    mu: [1.0, 0.0],
                }
            }
            Motion::Imm {
                q_quiet,
                q_manoeuvre,
                p_stay,
            } => {
                if dt == 0.0 {
                    return self.clone();
                }
                // Mode switches scale with the step length: p_stay per second.
                let stay = p_stay.powf(dt.abs().max(1e-3)).clamp(0.5, 1.0 - 1e-6);
                let pi = [[stay, 1.0 - stay], [1.0 - stay, stay]];
                let c = [
                    pi[0][0] * self.mu[0] + pi[1][0] * self.mu[1],
                    pi[0][1] * self.mu[0] + pi[1][1] * self.mu[1],
                ];
                let q = [q_quiet, q_manoeuvre];
                let modes = std::array::from_fn(|j| {
                    let w = [pi[0][j] * self.mu[0] / c[j], pi[1][j] * self.mu[1] / c[j]];
                    predict(&combine(&self.modes, w), dt, q[j])
                });
                FilterState { modes, mu: c }
            }
        }
    }

    /// Updates every mode with `obs` and reweights the modes by their likelihoods.
    pub fn update(&self, obs: &Observation) -> Result<FilterState, SingularInnovation> {
        if self.mu[1] == 0.0 {
            return Ok(FilterState {
                modes: [update(&self.modes[0], obs)?, self.modes[1].clone()],
                mu: [1.0, 0.0],
            });
        }
        let mut lik = [0.0; 2];
        for (j, (mode, l)) in self.modes.iter().zip(&mut lik).enumerate() {
            let (nu, s) = innovation(mode, obs);
            let (d2, ln_det) = mahalanobis(&nu, &s).ok_or(SingularInnovation)?;
            *l = (-0.5 * d2 - 0.5 * ln_det).exp() * self.mu[j];
        }
        let modes = [update(&self.modes[0], obs)?, update(&self.modes[1], obs)?];
        let total = lik[0] + lik[1];
        let mut mu = if total > 0.0 && total.is_finite() {
            [lik[0] / total, lik[1] / total]
        } else {
            self.mu
        };
        // Keep both modes alive so the IMM can always switch.
        mu[0] = mu[0].clamp(1e-6, 1.0 - 1e-6);
        mu[1] = 1.0 - mu[0];
        Ok(FilterState { modes, mu })
    }
}

fn combine(modes: &[Gaussian; 2], w: [f64; 2]) -> Gaussian {
    let x = modes[0].state() * w[0] + modes[1].state() * w[1];
    let mut p = Matrix4::zeros();
    for (g, wi) in modes.iter().zip(w) {
        let d = g.state() - x;
        p += (g.covariance() + d * d.transpose()) * wi;
    }
    Gaussian::new(x, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_update_pulls_toward_the_measurement() {
        let prior = gaussian([0.0, 0.0, 0.0, 0.0], [100.0, 100.0, 10.0, 10.0]);
        let post = update(
            &prior,
            &Observation::Position {
                z: [10.0, 0.0],
                r: [100.0, 0.0, 100.0],
            },
        )
        .unwrap();
        assert!((post.state()[0] - 5.0).abs() < 1e-9);
        assert!((post.covariance()[(0, 0)] - 50.0).abs() < 1e-9);
    }

    #[test]
    fn singular_innovation_is_an_error_not_zero() {
        let prior = gaussian([0.0; 4], [0.0, 0.0, 1.0, 1.0]);
        let obs = Observation::Position {
            z: [1.0, 1.0],
            r: [0.0, 0.0, 0.0],
        };
        assert!(matches!(update(&prior, &obs), Err(SingularInnovation)));
    }

    #[test]
    fn polar_update_matches_position_for_a_target_due_north() {
        // A target 10 km north of the site: range error is north error, azimuth is east.
        let prior = gaussian([0.0, 10_000.0, 0.0, 0.0], [400.0, 400.0, 1.0, 1.0]);
        let obs = Observation::Polar(RadarObservation {
            site: [0.0, 0.0],
            rot: [[1.0, 0.0], [0.0, 1.0]],
            range: 10_020.0,
            azimuth: 0.001,
            sigma_range: 20.0,
            sigma_az: 0.002,
        });
        let post = update(&prior, &obs).unwrap();
        assert!(
            (post.state()[1] - 10_010.0).abs() < 0.5,
            "{}",
            post.state()[1]
        );
        assert!((post.state()[0] - 5.0).abs() < 0.5, "{}", post.state()[0]);
    }

    #[test]
    fn polar_azimuth_wraps_across_north() {
        let prior = gaussian([-10.0, 10_000.0, 0.0, 0.0], [400.0, 400.0, 1.0, 1.0]);
        let obs = Observation::Polar(RadarObservation {
            site: [0.0, 0.0],
            rot: [[1.0, 0.0], [0.0, 1.0]],
            range: 10_000.0,
            azimuth: 0.0005,
            sigma_range: 20.0,
            sigma_az: 0.002,
        });
        let (nu, _) = innovation(&prior, &obs);
        assert!(nu[1].abs() < 0.01, "{}", nu[1]);
        let post = update(&prior, &obs).unwrap();
        assert!(post.state()[0] > -10.0 && post.state()[0] < 6.0);
    }

    #[test]
    fn imm_shifts_probability_to_the_manoeuvre_mode_when_surprised() {
        let motion = Motion::Imm {
            q_quiet: 0.01,
            q_manoeuvre: 50.0,
            p_stay: 0.99,
        };
        let mut f = FilterState::new(
            gaussian([0.0, 0.0, 10.0, 0.0], [25.0, 25.0, 1.0, 1.0]),
            &motion,
        );
        for k in 1..=5 {
            f = f.predict(1.0, &motion);
            f = f
                .update(&Observation::Position {
                    z: [10.0 * k as f64, 0.0],
                    r: [25.0, 0.0, 25.0],
                })
                .unwrap();
        }
        let quiet = f.mu[0];
        // A sharp turn: the target now moves north.
        for k in 1..=3 {
            f = f.predict(1.0, &motion);
            f = f
                .update(&Observation::Position {
                    z: [50.0, 25.0 * k as f64],
                    r: [25.0, 0.0, 25.0],
                })
                .unwrap();
        }
        assert!(quiet > 0.8, "{quiet}");
        assert!(f.mu[1] > 0.5, "{:?}", f.mu);
    }

    #[test]
    fn optimal_gain_matches_joseph_form() {
        let mut prior = gaussian([10.0, -5.0, 3.0, 1.0], [2500.0, 900.0, 400.0, 100.0]);
        prior.covariance_mut()[(0, 2)] = 300.0;
        prior.covariance_mut()[(2, 0)] = 300.0;
        let obs = Observation::Position {
            z: [40.0, 20.0],
            r: [2500.0, 300.0, 1600.0],
        };
        let a = update(&prior, &obs).unwrap();
        let b = update_with(&prior, &obs, CovarianceUpdateMethod::JosephForm).unwrap();
        assert!((a.state() - b.state()).norm() < 1e-9);
        assert!((a.covariance() - b.covariance()).norm() < 1e-6);
    }

    #[test]
    fn mahalanobis_of_unit_covariance_is_squared_norm() {
        let (d2, ln) = mahalanobis(&Vector2::new(3.0, 4.0), &Matrix2::identity()).unwrap();
        assert_eq!(d2, 25.0);
        assert_eq!(ln, 0.0);
        assert!(mahalanobis(&Vector2::new(1.0, 1.0), &Matrix2::zeros()).is_none());
    }
}

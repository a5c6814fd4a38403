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
    mahalanobis_det(nu, s).map(|(d2, det)| (d2, det.ln()))
}

/// Squared Mahalanobis distance and det S, or `None` if S is singular.
fn mahalanobis_det(nu: &Vector2<f64>, s: &Matrix2<f64>) -> Option<(f64, f64)> {
    let det = s[(0, 0)] * s[(1, 1)] - s[(0, 1)] * s[(1, 0)];
    if !(det.is_finite() && det > 0.0 && s[(0, 0)] > 0.0) {
        return None;
    }
    let d2 = (s[(1, 1)] * nu[0] * nu[0] - (s[(0, 1)] + s[(1, 0)]) * nu[0] * nu[1]
        + s[(0, 0)] * nu[1] * nu[1])
        / det;
    Some((d2, det))
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

/// Both modes updated with `obs`; a position observation's model is built once.
fn update_pair(
    modes: &[Gaussian; 2],
    obs: &Observation,
) -> Result<[Gaussian; 2], SingularInnovation> {
    let method = CovarianceUpdateMethod::OptimalKalmanForcedSymmetric;
    match obs {
        Observation::Position { z, r } => {
            let m = PositionObservation::new(Matrix2::new(r[0], r[1], r[1], r[2]));
            let z = Vector2::new(z[0], z[1]);
            let one =
                |g: &Gaussian| finite(m.update(g, &z, method).map_err(|_| SingularInnovation)?);
            Ok([one(&modes[0])?, one(&modes[1])?])
        }
        Observation::Polar(_) => Ok([
            update_with(&modes[0], obs, method)?,
            update_with(&modes[1], obs, method)?,
        ]),
    }
}

fn finite(g: Gaussian) -> Result<Gaussian, SingularInnovation> {
    if g.state().iter().all(|v| v.is_finite()) {
        Ok(g)
    } else {
        Err(SingularInnovation)
    }
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
    finite(out.map_err(|_| SingularInnovation)?)
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
    let mut g = x.clone();
    predict_with(&ConstantVelocity::new(dt, q), x, &mut g);
    g
}

fn predict_with(model: &ConstantVelocity, x: &Gaussian, out: &mut Gaussian) {
    *out = model.predict(x);
    symmetrise(out.covariance_mut());
}

/// One prediction step of a [`Motion`] over `dt` seconds, built once and applied to
/// any number of filters.
pub struct Transition {
    dt: f64,
    kind: TransitionKind,
}

// Built once per step and kept on the stack: boxing the large variant would allocate.
#[allow(clippy::large_enum_variant)]
enum TransitionKind {
    Still,
    Cv(ConstantVelocity),
    Imm {
        /// Probability of staying in a mode over this step.
        stay: f64,
        models: [ConstantVelocity; 2],
    },
}

impl Transition {
    pub fn new(dt: f64, motion: &Motion) -> Transition {
        let kind = match *motion {
            Motion::Cv { q } if dt != 0.0 => TransitionKind::Cv(ConstantVelocity::new(dt, q)),
            Motion::Imm {
                q_quiet,
                q_manoeuvre,
                p_stay,
            } if dt != 0.0 => TransitionKind::Imm {
                // Mode switches scale with the step length: p_stay per second.
                stay: p_stay.powf(dt.abs().max(1e-3)).clamp(0.5, 1.0 - 1e-6),
                models: [
                    ConstantVelocity::new(dt, q_quiet),
                    ConstantVelocity::new(dt, q_manoeuvre),
                ],
            },
            _ => TransitionKind::Still,
        };
        Transition { dt, kind }
    }

    /// The step length, s.
    pub fn dt(&self) -> f64 {
        self.dt
    }
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
    /// Mode probabilities; they sum to one (`mean` and `combined` rely on it). With
    /// one model, `[1, 0]` and the second mode is unused.
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
        // μ sums to one (see the field `mu`).
        Spread::of(&self.modes).mix(&self.modes, self.mu[0])
    }

    /// Predicts `dt` seconds (with IMM mixing first).
    pub fn predict(&self, dt: f64, motion: &Motion) -> FilterState {
        self.predict_by(&Transition::new(dt, motion))
    }

    /// Predicts by a prepared [`Transition`] (cheaper when many filters share a step).
    pub fn predict_by(&self, tr: &Transition) -> FilterState {
        let mut out = self.clone();
        self.predict_into(tr, &mut out);
        out
    }

    /// [`FilterState::predict_by`] written into `out`, whose earlier contents are
    /// overwritten (the tracker keeps one per track, so no state is moved around).
    pub fn predict_into(&self, tr: &Transition, out: &mut FilterState) {
        match &tr.kind {
            TransitionKind::Still => out.clone_from(self),
            TransitionKind::Cv(model) => {
                // The second slot is unused with one model; keep it equal to the first.
                predict_with(model, &self.modes[0], &mut out.modes[0]);
                out.modes[1] = out.modes[0].clone();
                out.mu = [1.0, 0.0];
            }
            TransitionKind::Imm { stay, models } => {
                let (stay, leave) = (*stay, 1.0 - *stay);
                let c = [
                    stay * self.mu[0] + leave * self.mu[1],
                    leave * self.mu[0] + stay * self.mu[1],
                ];
                // Each mode starts from a mixture of both with weight w0 on mode 0.
                let w0 = [stay * self.mu[0] / c[0], leave * self.mu[0] / c[1]];
                let spread = Spread::of(&self.modes);
                for (j, (model, m)) in models.iter().zip(&mut out.modes).enumerate() {
                    predict_with(model, &spread.mix(&self.modes, w0[j]), m);
                }
                out.mu = c;
            }
        }
    }

    /// The combined position and velocity, without the covariance.
    pub fn mean(&self) -> Vector4<f64> {
        if self.mu[1] == 0.0 {
            return *self.modes[0].state();
        }
        self.modes[0].state() * self.mu[0] + self.modes[1].state() * self.mu[1]
    }

    /// Updates every mode with `obs` and reweights the modes by their likelihoods.
    pub fn update(&self, obs: &Observation) -> Result<FilterState, SingularInnovation> {
        self.update_scored(obs, None)
    }

    /// [`FilterState::update`] given each mode's `−2 ln (μ_j p_j(obs))` up to a common
    /// constant, as gating already computed it (see [`FilterState::mode_terms`]).
    pub fn update_scored(
        &self,
        obs: &Observation,
        terms: Option<[f64; 2]>,
    ) -> Result<FilterState, SingularInnovation> {
        let mut out = self.clone();
        self.update_into(obs, terms, &mut out)?;
        Ok(out)
    }

    /// [`FilterState::update_scored`] written into `out` (which may be the filter this
    /// was predicted from). On error `out` is left as it was.
    pub fn update_into(
        &self,
        obs: &Observation,
        terms: Option<[f64; 2]>,
        out: &mut FilterState,
    ) -> Result<(), SingularInnovation> {
        if self.mu[1] == 0.0 {
            out.modes[0] = update(&self.modes[0], obs)?;
            out.modes[1].clone_from(&self.modes[1]);
            out.mu = [1.0, 0.0];
            return Ok(());
        }
        let terms = match terms {
            Some(t) => t,
            None => self.mode_terms(obs).ok_or(SingularInnovation)?.1,
        };
        let [g0, g1] = update_pair(&self.modes, obs)?;
        // μ_j ∝ exp(−terms_j / 2); relative to the smaller term, only one exponential.
        let e = (-(terms[1] - terms[0]).abs() / 2.0).exp();
        let (lo, hi) = (1.0 / (1.0 + e), e / (1.0 + e));
        let mut mu = if !(lo.is_finite() && hi.is_finite()) {
            self.mu
        } else if terms[0] <= terms[1] {
            [lo, hi]
        } else {
            [hi, lo]
        };
        // Keep both modes alive so the IMM can always switch.
        mu[0] = mu[0].clamp(1e-6, 1.0 - 1e-6);
        mu[1] = 1.0 - mu[0];
        out.modes[0] = g0;
        out.modes[1] = g1;
        out.mu = mu;
        Ok(())
    }

    /// Per mode: the squared Mahalanobis distance of `obs`, and `d² + ln det S − 2 ln μ_j`
    /// (the mode's share of the mixture likelihood as −2 ln). `None` if any innovation
    /// covariance is singular.
    pub fn mode_terms(&self, obs: &Observation) -> Option<([f64; 2], [f64; 2])> {
        let mut d2s = [0.0; 2];
        let mut terms = [0.0; 2];
        for j in 0..2 {
            let (nu, s) = innovation(&self.modes[j], obs);
            let (d2, det) = mahalanobis_det(&nu, &s)?;
            let mu = self.mu[j].max(1e-150);
            d2s[j] = d2;
            // ln det S − 2 ln μ in one logarithm.
            terms[j] = d2 + (det / (mu * mu)).ln();
        }
        Some((d2s, terms))
    }
}

/// The spread between two modes' means, for moment-matching their mixtures: for
/// weights `w` and `1 − w` the mixture is `x1 + w d` with covariance
/// `w P0 + (1 − w) P1 + w (1 − w) d dᵀ`, where `d = x0 − x1`.
struct Spread {
    d: Vector4<f64>,
    ddt: Matrix4<f64>,
}

impl Spread {
    fn of(modes: &[Gaussian; 2]) -> Spread {
        let d = modes[0].state() - modes[1].state();
        Spread {
            d,
            ddt: Matrix4::from_fn(|i, j| d[i] * d[j]),
        }
    }

    fn mix(&self, modes: &[Gaussian; 2], w0: f64) -> Gaussian {
        let w1 = 1.0 - w0;
        let x = modes[1].state() + self.d * w0;
        let p = modes[0].covariance() * w0 + modes[1].covariance() * w1 + self.ddt * (w0 * w1);
        Gaussian::new(x, p)
    }
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
    fn mixture_matches_the_moment_matching_definition() {
        let mut a = gaussian([10.0, -5.0, 3.0, 1.0], [2500.0, 900.0, 400.0, 100.0]);
        a.covariance_mut()[(0, 2)] = 300.0;
        a.covariance_mut()[(2, 0)] = 300.0;
        let b = gaussian([-40.0, 20.0, -1.0, 7.0], [100.0, 400.0, 25.0, 900.0]);
        let modes = [a, b];
        let w = 0.3;
        let mixed = Spread::of(&modes).mix(&modes, w);
        // Σ w_i x_i and Σ w_i (P_i + (x_i − x)(x_i − x)ᵀ).
        let x = modes[0].state() * w + modes[1].state() * (1.0 - w);
        let mut p = Matrix4::zeros();
        for (g, wi) in modes.iter().zip([w, 1.0 - w]) {
            let d = g.state() - x;
            p += (g.covariance() + d * d.transpose()) * wi;
        }
        assert!((mixed.state() - x).norm() < 1e-9);
        assert!((mixed.covariance() - p).norm() < 1e-9);
    }

    #[test]
    fn scored_update_matches_the_plain_update() {
        let motion = Motion::Imm {
            q_quiet: 0.1,
            q_manoeuvre: 200.0,
            p_stay: 0.999,
        };
        let mut f = FilterState::new(
            gaussian([0.0, 0.0, 10.0, 0.0], [2500.0, 2500.0, 100.0, 100.0]),
            &motion,
        );
        f = f.predict(10.0, &motion);
        let obs = Observation::Position {
            z: [130.0, -40.0],
            r: [2500.0, 0.0, 2500.0],
        };
        let plain = f.update(&obs).unwrap();
        let (_, terms) = f.mode_terms(&obs).unwrap();
        // Terms are only defined up to a common constant.
        let scored = f
            .update_scored(&obs, Some([terms[0] + 7.0, terms[1] + 7.0]))
            .unwrap();
        assert!((plain.mu[0] - scored.mu[0]).abs() < 1e-12);
        for j in 0..2 {
            assert!((plain.modes[j].state() - scored.modes[j].state()).norm() < 1e-12);
        }
    }

    #[test]
    fn a_shared_transition_predicts_as_a_fresh_one() {
        let motion = Motion::Imm {
            q_quiet: 0.1,
            q_manoeuvre: 200.0,
            p_stay: 0.999,
        };
        let mut f = FilterState::new(gaussian([0.0, 0.0, 10.0, 0.0], [2500.0; 4]), &motion);
        f.mu = [0.7, 0.3];
        f.modes[1] = gaussian([30.0, -20.0, 8.0, 3.0], [900.0, 900.0, 50.0, 50.0]);
        for dt in [0.0, 10.0, -5.0] {
            let step = Transition::new(dt, &motion);
            let mut out = f.clone();
            f.predict_into(&step, &mut out);
            // The reference: mixing by full moment matching, then each mode's own model.
            let expected = if dt == 0.0 {
                f.clone()
            } else {
                let stay = 0.999f64.powf(dt.abs());
                let c0 = stay * f.mu[0] + (1.0 - stay) * f.mu[1];
                let w = [stay * f.mu[0] / c0, (1.0 - stay) * f.mu[0] / (1.0 - c0)];
                let mix = |w0: f64| {
                    let x = f.modes[0].state() * w0 + f.modes[1].state() * (1.0 - w0);
                    let mut p = Matrix4::zeros();
                    for (g, wi) in f.modes.iter().zip([w0, 1.0 - w0]) {
                        let d = g.state() - x;
                        p += (g.covariance() + d * d.transpose()) * wi;
                    }
                    Gaussian::new(x, p)
                };
                FilterState {
                    modes: [predict(&mix(w[0]), dt, 0.1), predict(&mix(w[1]), dt, 200.0)],
                    mu: [c0, 1.0 - c0],
                }
            };
            for j in 0..2 {
                assert!((out.modes[j].state() - expected.modes[j].state()).norm() < 1e-9);
                let dp = out.modes[j].covariance() - expected.modes[j].covariance();
                assert!(dp.norm() < 1e-6, "dt {dt} mode {j}");
            }
            assert!((out.mu[0] - expected.mu[0]).abs() < 1e-12);
        }
    }

    #[test]
    fn a_failed_update_leaves_the_target_as_it_was() {
        let motion = Motion::Imm {
            q_quiet: 0.1,
            q_manoeuvre: 200.0,
            p_stay: 0.999,
        };
        let f = FilterState::new(gaussian([0.0; 4], [0.0, 0.0, 1.0, 1.0]), &motion);
        let mut out = FilterState::new(gaussian([1.0; 4], [4.0; 4]), &motion);
        let before = out.clone();
        let singular = Observation::Position {
            z: [1.0, 1.0],
            r: [0.0, 0.0, 0.0],
        };
        assert!(f.update_into(&singular, None, &mut out).is_err());
        assert_eq!(out.modes[0].state(), before.modes[0].state());
        assert_eq!(out.mu, before.mu);
    }

    #[test]
    fn mean_is_the_combined_state() {
        let motion = Motion::Imm {
            q_quiet: 0.1,
            q_manoeuvre: 200.0,
            p_stay: 0.999,
        };
        let f = FilterState::new(gaussian([1.0, 2.0, 3.0, 4.0], [9.0; 4]), &motion)
            .predict(5.0, &motion)
            .update(&Observation::Position {
                z: [30.0, 5.0],
                r: [4.0, 0.0, 4.0],
            })
            .unwrap();
        assert!((f.mean() - f.combined().state()).norm() < 1e-9);
    }

    #[test]
    fn mahalanobis_of_unit_covariance_is_squared_norm() {
        let (d2, ln) = mahalanobis(&Vector2::new(3.0, 4.0), &Matrix2::identity()).unwrap();
        assert_eq!(d2, 25.0);
        assert_eq!(ln, 0.0);
        assert!(mahalanobis(&Vector2::new(1.0, 1.0), &Matrix2::zeros()).is_none());
    }
}

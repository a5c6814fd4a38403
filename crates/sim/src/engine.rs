//! The scenario engine: targets move along their routes, sensors see them, and
//! what each sensor sees is written in its native format and read back through
//! the real decoders into [`MeasurementBatch`]es, as a live adapter would publish.
//!
//! Motion is a function of time (a target's distance along its route is speed ×
//! elapsed time), so the engine can start anywhere in a scenario ([`Engine::seek`])
//! and runs as fast as the caller asks for steps.

use crate::encode;
use crate::scenario::{Event, Scenario, SimSensor, TargetSpec};
use cuenca_model::{
    GeoPoint, Measurement, MeasurementBatch, MeasurementKind, ReleaseTo, SensorContext, Timestamp,
};
use geo::{Bearing, Destination, Distance, Geodesic, Point};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};

const KNOT_MPS: f64 = 1852.0 / 3600.0;
const FOOT_M: f64 = 0.3048;

/// What a simulated target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Vessel,
    GoFast,
    Aircraft,
}

impl TargetKind {
    fn parse(s: &str) -> TargetKind {
        match s {
            "gofast" => TargetKind::GoFast,
            "aircraft" => TargetKind::Aircraft,
            _ => TargetKind::Vessel,
        }
    }

    /// The name used in scenario files and truth files.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Vessel => "vessel",
            TargetKind::GoFast => "gofast",
            TargetKind::Aircraft => "aircraft",
        }
    }

    /// True for vessels and go-fasts.
    pub fn at_sea(self) -> bool {
        self != TargetKind::Aircraft
    }
}

/// One simulated object and its route.
#[derive(Debug, Clone)]
pub struct SimTarget {
    pub name: String,
    pub kind: TargetKind,
    /// The route, `[lat, lon]`; the target moves straight (in latitude and longitude)
    /// between points.
    pub path: Vec<[f64; 2]>,
    /// Distance from the start of `path` to each point, metres.
    cum: Vec<f64>,
    pub speed_mps: f64,
    /// When it appears.
    pub start_s: f64,
    /// Where along the route it is at `start_s`, metres.
    offset_m: f64,
    /// Goes back and forth for ever (background traffic) instead of arriving.
    looping: bool,
    /// Runs the route from its end.
    reverse: bool,
    pub altitude_ft: Option<f64>,
    pub mmsi: Option<u32>,
    pub class_b: bool,
    pub icao24: Option<u32>,
    pub callsign: Option<String>,
    /// Transponder (AIS or Mode S) switches: (time, on), sorted; `on_at_start` before.
    switches: Vec<(f64, bool)>,
    on_at_start: bool,
    /// Reporting phase in [0, 1), so that reports spread over the interval.
    phase: f64,
}

/// Where a target is at one time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetState {
    pub lat: f64,
    pub lon: f64,
    pub course_deg: f64,
    pub speed_mps: f64,
    pub transponder: bool,
}

impl SimTarget {
    fn new(
        name: String,
        kind: TargetKind,
        path: Vec<[f64; 2]>,
        speed_mps: f64,
        start_s: f64,
    ) -> SimTarget {
        let mut cum = Vec::with_capacity(path.len());
        let mut total = 0.0;
        for (i, p) in path.iter().enumerate() {
            if i > 0 {
                let q = path[i - 1];
                total += Geodesic.distance(Point::new(q[1], q[0]), Point::new(p[1], p[0]));
            }
            cum.push(total);
        }
        SimTarget {
            name,
            on_at_start: kind != TargetKind::GoFast,
            kind,
            path,
            cum,
            speed_mps,
            start_s,
            offset_m: 0.0,
            looping: false,
            reverse: false,
            altitude_ft: None,
            mmsi: None,
            class_b: false,
            icao24: None,
            callsign: None,
            switches: Vec::new(),
            phase: 0.0,
        }
    }

    /// Route length, metres.
    pub fn length_m(&self) -> f64 {
        self.cum.last().copied().unwrap_or(0.0)
    }

    fn transponder_at(&self, t: f64) -> bool {
        self.switches
            .iter()
            .take_while(|(at, _)| *at <= t)
            .last()
            .map_or(self.on_at_start, |s| s.1)
    }

    /// Where the target is at `t` seconds, or `None` before it starts or after it
    /// has arrived.
    pub fn state_at(&self, t: f64) -> Option<TargetState> {
        if t < self.start_s {
            return None;
        }
        let total = self.length_m();
        if total <= 0.0 {
            return None;
        }
        let mut d = self.offset_m + self.speed_mps * (t - self.start_s);
        let mut back = false;
        if self.looping {
            d = d.rem_euclid(2.0 * total);
            if d > total {
                d = 2.0 * total - d;
                back = true;
            }
        } else if d > total {
            return None;
        }
        if self.reverse {
            d = total - d;
            back = !back;
        }
        let i = self
            .cum
            .partition_point(|&c| c <= d)
            .clamp(1, self.path.len() - 1);
        let (a, b) = (self.path[i - 1], self.path[i]);
        let leg = (self.cum[i] - self.cum[i - 1]).max(1e-9);
        let f = ((d - self.cum[i - 1]) / leg).clamp(0.0, 1.0);
        let lat = a[0] + f * (b[0] - a[0]);
        let lon = a[1] + f * (b[1] - a[1]);
        // Course of a straight line in latitude and longitude.
        let mid = (0.5 * (a[0] + b[0])).to_radians().cos();
        let mut course = ((b[1] - a[1]) * mid).atan2(b[0] - a[0]).to_degrees();
        if back {
            course += 180.0;
        }
        Some(TargetState {
            lat,
            lon,
            course_deg: course.rem_euclid(360.0),
            speed_mps: self.speed_mps,
            transponder: self.transponder_at(t),
        })
    }
}

/// One row of ground truth.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthRow {
    pub time: Timestamp,
    pub target: usize,
    pub state: TargetState,
}

/// The header of [`Engine::truth_csv_rows`]' lines.
pub const TRUTH_HEADER: &str =
    "time,target_id,name,kind,lat,lon,alt_m,speed_mps,course_deg,transponder";

/// What the engine wrote and how the decoders took it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimStats {
    /// Native lines written (NMEA sentences, AVR frames, JSON plots).
    pub lines: u64,
    /// Measurements decoded from them.
    pub measurements: u64,
    pub batches: u64,
    /// Lines the decoders refused, by reason (a sign of an encoder bug: counted,
    /// never dropped silently).
    pub refused: BTreeMap<&'static str, u64>,
}

enum Feed {
    Ais(Box<cuenca_ais::Decoder>),
    Adsb(Box<cuenca_adsb::Decoder>, cuenca_adsb::AvrReader),
    Radar(cuenca_radar::PlotReader),
    /// CAT048, with the SAC/SIC it writes.
    Asterix(cuenca_radar::Decoder, (u8, u8)),
}

struct SensorRun {
    cfg: SimSensor,
    kind: MeasurementKind,
    ctx: SensorContext,
    site: GeoPoint,
    range_m: f64,
    /// Radar: scan phase, seconds.
    phase: f64,
    seq: u64,
    feed: Feed,
}

/// A running scenario.
///
/// ```
/// use cuenca_sim::{engine::Engine, scenario::Scenario};
/// let s = Scenario::parse(r#"
///     name = "one boat"
///     duration_s = 120
///     [[sensors]]
///     id = "mex-ais-cozumel"
///     nation = "MEX"
///     kind = "ais"
///     release = "all_members"
///     site = { lat = 20.51, lon = -86.95 }
///     range_km = 80
///     [[targets]]
///     name = "FERRY"
///     kind = "vessel"
///     mmsi = 345000001
///     waypoints = [[20.62, -87.06], [20.52, -86.97]]
///     speed_kn = 20
/// "#, "inline")?;
/// let mut engine = Engine::new(&s, cuenca_model::Timestamp::from_micros(1_795_000_000_000_000));
/// let mut reports = 0;
/// while let Some(step) = engine.step() {
///     reports += step.batches.iter().map(|(_, b)| b.measurements.len()).sum::<usize>();
/// }
/// assert_eq!(reports, 12); // one class A report every 10 s for two minutes
/// assert!(engine.stats().refused.is_empty());
/// # Ok::<(), cuenca_sim::scenario::ScenarioError>(())
/// ```
pub struct Engine {
    start: Timestamp,
    now_s: f64,
    duration_s: f64,
    step_s: f64,
    targets: Vec<SimTarget>,
    sensors: Vec<SensorRun>,
    rng: StdRng,
    stats: SimStats,
    line: String,
    /// The radar whose scans are kept for [`Engine::stonesoup_csv`], and the scans.
    capture: Option<(usize, Vec<ScanRecord>)>,
}

/// One radar scan as scoring needs it: where every target in range truly was, and
/// each plot with the target it came from (`None` for clutter).
#[derive(Debug, Clone, PartialEq)]
struct ScanRecord {
    elapsed_s: f64,
    truths: Vec<(usize, f64, f64)>,
    detections: Vec<(Option<usize>, f64, f64)>,
}

/// What one step produced.
#[derive(Debug, Clone)]
pub struct Step {
    /// The end of the step.
    pub time: Timestamp,
    /// Seconds since the scenario's start.
    pub elapsed_s: f64,
    pub batches: Vec<(MeasurementKind, MeasurementBatch)>,
}

/// Maritime identification digits of flags common in the Caribbean.
const MIDS: [u32; 10] = [351, 352, 353, 636, 538, 311, 339, 345, 730, 334];
/// Airline designators and ICAO address blocks (USA, MEX, COL, PAN, JAM).
const AIRLINES: [(&str, u32); 8] = [
    ("AAL", 0xA0_0000),
    ("UAL", 0xA4_0000),
    ("DAL", 0xA8_0000),
    ("AMX", 0x0D_0000),
    ("VIV", 0x0D_4000),
    ("AVA", 0x0A_C000),
    ("CMP", 0x0C_2000),
    ("JBU", 0xAC_0000),
];
const SHIP_NAMES: [&str; 12] = [
    "CARIBBEAN STAR",
    "MAYA TRADER",
    "SEA BREEZE",
    "ATLANTIC HOPE",
    "RIO MAGDALENA",
    "GULF PIONEER",
    "ISLA BONITA",
    "CORAL QUEEN",
    "PACIFIC SPIRIT",
    "BLUE MARLIN",
    "SANTA CLARA",
    "OCEAN VOYAGER",
];

impl Engine {
    /// Builds the world of `scenario` with time zero at `start`. The scenario must
    /// have been checked ([`Scenario::parse`] or [`Scenario::validate`]); names it
    /// does not resolve are skipped.
    pub fn new(scenario: &Scenario, start: Timestamp) -> Engine {
        let mut rng = StdRng::seed_from_u64(scenario.seed);
        let lanes: HashMap<&str, &crate::scenario::Lane> = scenario
            .lanes
            .iter()
            .map(|l| (l.name.as_str(), l))
            .collect();
        let mut targets = Vec::new();
        let mut by_name = HashMap::new();
        for spec in &scenario.targets {
            if let Some(t) = explicit_target(spec, &lanes, &mut rng) {
                by_name.insert(spec.name.clone(), targets.len());
                targets.push(t);
            }
        }
        for tr in &scenario.traffic {
            for k in 0..tr.count {
                let Some(lane) = lanes.get(tr.lanes[k as usize % tr.lanes.len()].as_str()) else {
                    continue;
                };
                let speed = rng.gen_range(tr.speed_kn[0]..=tr.speed_kn[1]) * KNOT_MPS;
                let mut t = generated(
                    lane,
                    targets.len(),
                    speed,
                    0.0,
                    tr.class_b_share,
                    tr.altitude_ft,
                    &mut rng,
                );
                t.looping = true;
                t.reverse = tr.both_ways && rng.gen_bool(0.5);
                t.offset_m = rng.gen_range(0.0..1.0) * t.length_m();
                if t.kind.at_sea() && rng.gen_bool(tr.dark_share) {
                    t.on_at_start = false;
                }
                targets.push(t);
            }
        }
        for e in &scenario.events {
            match e {
                Event::TransponderOff { target, at_s } | Event::TransponderOn { target, at_s } => {
                    if let Some(&i) = by_name.get(target) {
                        let on = matches!(e, Event::TransponderOn { .. });
                        let t: &mut SimTarget = &mut targets[i];
                        t.switches.push((*at_s, on));
                        t.switches.sort_by(|a, b| a.0.total_cmp(&b.0));
                    }
                }
                Event::Surge {
                    at_s,
                    duration_s,
                    lanes: names,
                    count,
                    speed_kn,
                    altitude_ft,
                    class_b_share,
                } => {
                    for k in 0..*count {
                        let Some(lane) = lanes.get(names[k as usize % names.len()].as_str()) else {
                            continue;
                        };
                        let speed = rng.gen_range(speed_kn[0]..=speed_kn[1]) * KNOT_MPS;
                        let depart = at_s + rng.gen_range(0.0..1.0) * duration_s;
                        let t = generated(
                            lane,
                            targets.len(),
                            speed,
                            depart,
                            *class_b_share,
                            *altitude_ft,
                            &mut rng,
                        );
                        targets.push(t);
                    }
                }
            }
        }
        let sensors = scenario
            .sensors
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let kind = s.measurement_kind()?;
                let site = GeoPoint::new(s.site.lat, s.site.lon);
                let feed = match kind {
                    MeasurementKind::AisReport => Feed::Ais(Box::default()),
                    MeasurementKind::AdsbReport => Feed::Adsb(
                        Box::new(cuenca_adsb::Decoder::with_reference(site.lat, site.lon)),
                        cuenca_adsb::AvrReader::default(),
                    ),
                    _ if s.format.as_deref() == Some("asterix") => {
                        Feed::Asterix(cuenca_radar::Decoder::new(), (25, i as u8))
                    }
                    _ => Feed::Radar(cuenca_radar::PlotReader::new()),
                };
                Some(SensorRun {
                    ctx: SensorContext {
                        sensor: s.id.clone(),
                        nation: s.nation,
                        release: s.release_to().unwrap_or(ReleaseTo::OwnerOnly),
                    },
                    kind,
                    site,
                    range_m: s.range_km * 1000.0,
                    phase: (i as f64 * 1.7) % s.scan_s,
                    seq: 0,
                    feed,
                    cfg: s.clone(),
                })
            })
            .collect();
        Engine {
            start,
            now_s: 0.0,
            duration_s: scenario.duration_s,
            step_s: scenario.step_s,
            targets,
            sensors,
            rng,
            stats: SimStats::default(),
            line: String::new(),
            capture: None,
        }
    }

    /// Keeps the scans of radar `sensor` (truth and plots with their origin) for
    /// [`Engine::stonesoup_csv`]. False when the scenario has no such radar.
    pub fn capture_scans(&mut self, sensor: &str) -> bool {
        let found = self
            .sensors
            .iter()
            .position(|s| s.ctx.sensor.as_str() == sensor && s.kind == MeasurementKind::RadarPlot);
        self.capture = found.map(|i| (i, Vec::new()));
        found.is_some()
    }

    /// The captured radar's scans in the Stone Soup benchmark format of `cuenca
    /// eval` (`time_s,kind,target_id,x_m,y_m`), on a plane tangent at the radar's
    /// site (east and north metres; the flattening error is under 0.1 % at 150 km),
    /// so the tracker can be scored on a geodetic scenario.
    pub fn stonesoup_csv(&self) -> Option<String> {
        let (si, scans) = self.capture.as_ref()?;
        let site = self.sensors[*si].site;
        let xy = |lat: f64, lon: f64| {
            let o = Point::new(site.lon, site.lat);
            let p = Point::new(lon, lat);
            let d = Geodesic.distance(o, p);
            let b = Geodesic.bearing(o, p).to_radians();
            (d * b.sin(), d * b.cos())
        };
        let mut out = String::from("time_s,kind,target_id,x_m,y_m\n");
        for s in scans {
            for &(t, lat, lon) in &s.truths {
                let (x, y) = xy(lat, lon);
                out.push_str(&format!("{:.3},truth,{t},{x:.1},{y:.1}\n", s.elapsed_s));
            }
            for &(t, lat, lon) in &s.detections {
                let (x, y) = xy(lat, lon);
                let id = t.map_or(-1, |t| t as i64);
                out.push_str(&format!(
                    "{:.3},detection,{id},{x:.1},{y:.1}\n",
                    s.elapsed_s
                ));
            }
        }
        Some(out)
    }

    /// Every target, generated traffic included.
    pub fn targets(&self) -> &[SimTarget] {
        &self.targets
    }

    /// Time zero.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// Seconds since time zero.
    pub fn elapsed_s(&self) -> f64 {
        self.now_s
    }

    pub fn duration_s(&self) -> f64 {
        self.duration_s
    }

    pub fn stats(&self) -> &SimStats {
        &self.stats
    }

    /// Jumps to `t_s` seconds without producing anything for the time skipped.
    pub fn seek(&mut self, t_s: f64) {
        self.now_s = t_s.clamp(0.0, self.duration_s);
    }

    /// The true state of every target present at `t_s`.
    pub fn truth_at(&self, t_s: f64) -> Vec<TruthRow> {
        let time = self.start + t_s;
        self.targets
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                t.state_at(t_s).map(|state| TruthRow {
                    time,
                    target: i,
                    state,
                })
            })
            .collect()
    }

    /// Truth rows as CSV lines under [`TRUTH_HEADER`].
    pub fn truth_csv_rows(&self, t_s: f64) -> Vec<String> {
        self.truth_at(t_s)
            .into_iter()
            .map(|r| {
                let t = &self.targets[r.target];
                let alt = t
                    .altitude_ft
                    .map(|a| format!("{:.0}", a * FOOT_M))
                    .unwrap_or_default();
                format!(
                    "{},{},{},{},{:.6},{:.6},{},{:.2},{:.1},{}",
                    r.time,
                    r.target,
                    t.name.replace(',', " "),
                    t.kind.as_str(),
                    r.state.lat,
                    r.state.lon,
                    alt,
                    r.state.speed_mps,
                    r.state.course_deg,
                    u8::from(r.state.transponder)
                )
            })
            .collect()
    }

    /// Advances one step and returns what the sensors published during it, or
    /// `None` once the scenario is over.
    pub fn step(&mut self) -> Option<Step> {
        if self.now_s >= self.duration_s {
            return None;
        }
        let t0 = self.now_s;
        let t1 = (t0 + self.step_s).min(self.duration_s);
        self.now_s = t1;
        let mut batches = Vec::new();
        for si in 0..self.sensors.len() {
            let mut out = Vec::new();
            match self.sensors[si].kind {
                MeasurementKind::RadarPlot => self.radar(si, t0, t1, &mut out),
                MeasurementKind::AisReport => self.ais(si, t0, t1, &mut out),
                MeasurementKind::AdsbReport => self.adsb(si, t0, t1, &mut out),
                MeasurementKind::PeerTrack => {}
            }
            if out.is_empty() {
                continue;
            }
            let s = &mut self.sensors[si];
            s.seq += 1;
            self.stats.batches += 1;
            self.stats.measurements += out.len() as u64;
            let mut b = MeasurementBatch::new(s.ctx.nation, s.ctx.sensor.clone(), s.seq);
            b.measurements = out;
            batches.push((s.kind, b));
        }
        Some(Step {
            time: self.start + t1,
            elapsed_s: t1,
            batches,
        })
    }

    fn refuse(&mut self, reason: &'static str) {
        *self.stats.refused.entry(reason).or_default() += 1;
    }

    /// Report times of a target with `interval` in (t0, t1]: at most one per step.
    fn report_time(interval: f64, phase: f64, t0: f64, t1: f64) -> Option<f64> {
        let slot = |t: f64| (t / interval + phase).floor();
        let k = slot(t1);
        (k > slot(t0)).then_some((k - phase) * interval)
    }

    fn ais(&mut self, si: usize, t0: f64, t1: f64, out: &mut Vec<Measurement>) {
        for ti in 0..self.targets.len() {
            let t = &self.targets[ti];
            let (Some(mmsi), true) = (t.mmsi, t.kind.at_sea()) else {
                continue;
            };
            let s = &self.sensors[si];
            let interval = if t.class_b {
                s.cfg.class_b_s
            } else {
                s.cfg.class_a_s
            };
            let Some(tr) = Self::report_time(interval, t.phase, t0, t1) else {
                continue;
            };
            let Some(st) = t.state_at(tr) else { continue };
            if !st.transponder || !in_range(s.site, s.range_m, st.lat, st.lon) {
                continue;
            }
            if s.cfg.p_receive < 1.0 && !self.rng.gen_bool(s.cfg.p_receive) {
                continue;
            }
            let time = self.start + tr;
            let line = encode::ais_sentence(
                &encode::AisPosition {
                    mmsi,
                    class_b: t.class_b,
                    lat: st.lat,
                    lon: st.lon,
                    speed_kn: st.speed_mps / KNOT_MPS,
                    course_deg: st.course_deg,
                },
                s.ctx.sensor.as_str(),
                time,
            );
            self.stats.lines += 1;
            let s = &mut self.sensors[si];
            let Feed::Ais(dec) = &mut s.feed else {
                continue;
            };
            let r = match dec.feed_line(&line) {
                Ok(Some(d)) => match cuenca_ais::to_measurement(&d, &s.ctx, time) {
                    Ok(Some(m)) => {
                        out.push(m);
                        None
                    }
                    Ok(None) => Some("ais_no_position"),
                    Err(e) => Some(e.reason()),
                },
                Ok(None) => None,
                Err(e) => Some(e.reason()),
            };
            if let Some(reason) = r {
                self.refuse(reason);
            }
        }
    }

    fn adsb(&mut self, si: usize, t0: f64, t1: f64, out: &mut Vec<Measurement>) {
        for ti in 0..self.targets.len() {
            let t = &self.targets[ti];
            let (Some(icao), TargetKind::Aircraft) = (t.icao24, t.kind) else {
                continue;
            };
            let s = &self.sensors[si];
            let interval = s.cfg.interval_s;
            let Some(tr) = Self::report_time(interval, t.phase, t0, t1) else {
                continue;
            };
            let Some(st) = t.state_at(tr) else { continue };
            if !st.transponder || !in_range(s.site, s.range_m, st.lat, st.lon) {
                continue;
            }
            let slot = (tr / interval).round() as u64;
            let alt = t.altitude_ft.unwrap_or(35_000.0);
            let mut frames = Vec::with_capacity(3);
            if slot % 30 < 2 {
                if let Some(cs) = &t.callsign {
                    frames.push(encode::adsb_identification(icao, cs));
                }
            }
            if slot.is_multiple_of(5) {
                frames.push(encode::adsb_velocity(
                    icao,
                    st.speed_mps / KNOT_MPS,
                    st.course_deg,
                    0.0,
                ));
            }
            frames.push(encode::adsb_position(
                icao,
                st.lat,
                st.lon,
                alt,
                slot % 2 == 1,
            ));
            let time = self.start + tr;
            for f in frames {
                self.line.clear();
                self.line
                    .push_str(&encode::avr_line(&f, (tr.max(0.0) * 12e6) as u64));
                self.stats.lines += 1;
                let s = &mut self.sensors[si];
                let Feed::Adsb(dec, avr) = &mut s.feed else {
                    continue;
                };
                let Some(frame) = avr.feed_line(&self.line) else {
                    self.refuse("avr_refused");
                    continue;
                };
                let r = match dec.decode_frame(&frame, tr) {
                    Ok(d) => {
                        match cuenca_adsb::to_measurement(&d, dec.aircraft(d.icao24), &s.ctx, time)
                        {
                            Ok(Some(m)) => {
                                out.push(m);
                                None
                            }
                            Ok(None) => None,
                            Err(e) => Some(e.reason()),
                        }
                    }
                    Err(e) => Some(e.reason()),
                };
                if let Some(reason) = r {
                    self.refuse(reason);
                }
            }
        }
    }

    fn radar(&mut self, si: usize, t0: f64, t1: f64, out: &mut Vec<Measurement>) {
        let (scan_s, phase) = (self.sensors[si].cfg.scan_s, self.sensors[si].phase);
        let slot = |t: f64| ((t - phase) / scan_s).floor();
        if slot(t1) <= slot(t0) {
            return;
        }
        let ts = slot(t1) * scan_s + phase;
        let time = self.start + ts;
        let s = &self.sensors[si];
        let (sr, sa) = (
            s.cfg.sigma_range_m.unwrap_or(30.0),
            s.cfg.sigma_azimuth_deg.unwrap_or(0.2),
        );
        let site = Point::new(s.site.lon, s.site.lat);
        let mut plots: Vec<(f64, f64)> = Vec::new();
        let capturing = matches!(self.capture, Some((c, _)) if c == si);
        let mut record = ScanRecord {
            elapsed_s: ts,
            truths: Vec::new(),
            detections: Vec::new(),
        };
        for (ti, t) in self.targets.iter().enumerate() {
            let low = t.kind.at_sea() || t.altitude_ft.unwrap_or(0.0) <= s.cfg.max_altitude_ft;
            if !low {
                continue;
            }
            let Some(st) = t.state_at(ts) else { continue };
            if !in_range(s.site, s.range_m, st.lat, st.lon) {
                continue;
            }
            if capturing {
                record.truths.push((ti, st.lat, st.lon));
            }
            if !self.rng.gen_bool(s.cfg.pd.clamp(0.0, 1.0)) {
                continue;
            }
            let p = Point::new(st.lon, st.lat);
            let r = Geodesic.distance(site, p) + sr * gauss(&mut self.rng);
            let az = Geodesic.bearing(site, p) + sa * gauss(&mut self.rng);
            plots.push((r.max(0.0), az));
            if capturing {
                record.detections.push((Some(ti), r.max(0.0), az));
            }
        }
        for _ in 0..poisson(&mut self.rng, s.cfg.clutter) {
            let r = s.range_m * self.rng.gen_range(0.0f64..1.0).sqrt();
            let az = self.rng.gen_range(0.0..360.0);
            plots.push((r, az));
            if capturing {
                record.detections.push((None, r, az));
            }
        }
        if let (true, Some((_, scans))) = (capturing, self.capture.as_mut()) {
            // Plots were kept as range and azimuth; place them as the decoder does.
            for d in &mut record.detections {
                let q = Geodesic.destination(site, d.2, d.1);
                (d.1, d.2) = (q.y(), q.x());
            }
            scans.push(record);
        }
        let (sensor, site_pt) = (s.ctx.sensor.clone(), s.site);
        if let Feed::Asterix(dec, sac_sic) = &mut self.sensors[si].feed {
            let blocks = encode::cat048_blocks(*sac_sic, seconds_of_day(time), &plots);
            self.stats.lines += plots.len() as u64;
            let mut records = Vec::new();
            let framing = dec.decode_into(&blocks, &mut records).err();
            let s = &self.sensors[si];
            let mut refused = Vec::new();
            if let Some(e) = framing {
                refused.push(e.reason());
            }
            for r in &records {
                let Some(p) =
                    cuenca_radar::Plot::from_cat048(&cuenca_radar::Cat048::from_record(r))
                else {
                    refused.push("cat048_no_plot");
                    continue;
                };
                match cuenca_radar::to_measurement(&p, site_pt, sr, sa, &s.ctx, time) {
                    Ok(m) => out.push(m),
                    Err(e) => refused.push(e.reason()),
                }
            }
            for r in refused {
                self.refuse(r);
            }
            return;
        }
        for (r, az) in plots {
            let line = encode::plot_line(&sensor, time, r, az);
            self.stats.lines += 1;
            let s = &mut self.sensors[si];
            let Feed::Radar(reader) = &mut s.feed else {
                continue;
            };
            let reason = match reader.feed_line(&line) {
                Ok(Some(p)) => {
                    match cuenca_radar::to_measurement(&p.plot, site_pt, sr, sa, &s.ctx, time) {
                        Ok(m) => {
                            out.push(m);
                            None
                        }
                        Err(e) => Some(e.reason()),
                    }
                }
                Ok(None) => None,
                Err(e) => Some(e.reason()),
            };
            if let Some(reason) = reason {
                self.refuse(reason);
            }
        }
    }
}

/// Seconds since UTC midnight of `t`.
fn seconds_of_day(t: Timestamp) -> f64 {
    t.micros().rem_euclid(86_400_000_000) as f64 * 1e-6
}

fn in_range(site: GeoPoint, range_m: f64, lat: f64, lon: f64) -> bool {
    // Cheap box first: most targets are far from most sensors.
    let dlat = (lat - site.lat).abs() * 111_000.0;
    if dlat > range_m * 1.01 {
        return false;
    }
    let dlon = (lon - site.lon).abs() * 111_320.0 * site.lat.to_radians().cos();
    if dlon > range_m * 1.05 {
        return false;
    }
    Geodesic.distance(Point::new(site.lon, site.lat), Point::new(lon, lat)) <= range_m
}

fn explicit_target(
    spec: &TargetSpec,
    lanes: &HashMap<&str, &crate::scenario::Lane>,
    rng: &mut StdRng,
) -> Option<SimTarget> {
    let path = match &spec.lane {
        Some(l) => lanes.get(l.as_str())?.waypoints.clone(),
        None => spec.waypoints.clone(),
    };
    let kind = TargetKind::parse(&spec.kind);
    let mut t = SimTarget::new(
        spec.name.clone(),
        kind,
        path,
        spec.speed_kn * KNOT_MPS,
        spec.start_s,
    );
    if let Some(on) = spec.transponder {
        t.on_at_start = on;
    }
    t.phase = rng.gen_range(0.0..1.0);
    match kind {
        TargetKind::Aircraft => {
            t.altitude_ft = Some(spec.altitude_ft.unwrap_or(35_000.0));
            t.icao24 = Some(
                spec.icao24
                    .as_deref()
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .unwrap_or_else(|| 0xE0_0000 + rng.gen_range(0..0x1_0000)),
            );
            t.callsign = spec.callsign.clone();
        }
        TargetKind::Vessel | TargetKind::GoFast => {
            t.mmsi = Some(
                spec.mmsi
                    .unwrap_or_else(|| 999_000_000 + rng.gen_range(0..1_000_000)),
            );
            t.class_b = spec.ais_class.as_deref() == Some("B");
        }
    }
    Some(t)
}

fn generated(
    lane: &crate::scenario::Lane,
    index: usize,
    speed_mps: f64,
    start_s: f64,
    class_b_share: f64,
    altitude_ft: Option<[f64; 2]>,
    rng: &mut StdRng,
) -> SimTarget {
    let air = lane.domain == "air";
    let kind = if air {
        TargetKind::Aircraft
    } else {
        TargetKind::Vessel
    };
    let name = if air {
        let (code, block) = AIRLINES[rng.gen_range(0..AIRLINES.len())];
        let callsign = format!("{code}{}", rng.gen_range(100..2000));
        let mut t = SimTarget::new(
            callsign.clone(),
            kind,
            lane.waypoints.clone(),
            speed_mps,
            start_s,
        );
        let [lo, hi] = altitude_ft.unwrap_or([28_000.0, 39_000.0]);
        t.altitude_ft = Some((rng.gen_range(lo..=hi.max(lo)) / 1000.0).round() * 1000.0);
        t.icao24 = Some(block + (index as u32 & 0x3FFF));
        t.callsign = Some(callsign);
        t.phase = rng.gen_range(0.0..1.0);
        return t;
    } else {
        format!(
            "{} {}",
            SHIP_NAMES[rng.gen_range(0..SHIP_NAMES.len())],
            index
        )
    };
    let mut t = SimTarget::new(name, kind, lane.waypoints.clone(), speed_mps, start_s);
    let mid = MIDS[rng.gen_range(0..MIDS.len())];
    t.mmsi = Some(mid * 1_000_000 + (index as u32 % 1_000_000));
    t.class_b = rng.gen_bool(class_b_share);
    t.phase = rng.gen_range(0.0..1.0);
    t
}

/// A standard normal draw (Box–Muller).
fn gauss(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let v: f64 = rng.gen_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A Poisson draw (Knuth; the means here are small).
fn poisson(rng: &mut StdRng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean.min(500.0)).exp();
    let mut k = 0;
    let mut p = rng.gen_range(0.0f64..1.0);
    while p > limit && k < 10_000 {
        k += 1;
        p *= rng.gen_range(0.0f64..1.0);
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            r#"
            name = "t"
            duration_s = 300
            seed = 3
            [[sensors]]
            id = "mex-radar-cancun"
            nation = "MEX"
            kind = "radar"
            release = "all_members"
            site = {{ lat = 21.16, lon = -86.80 }}
            range_km = 150
            sigma_range_m = 25
            sigma_azimuth_deg = 0.1
            clutter = 3
            [[sensors]]
            id = "mex-ais-cozumel"
            nation = "MEX"
            kind = "ais"
            release = "all_members"
            site = {{ lat = 20.51, lon = -86.95 }}
            range_km = 80
            [[sensors]]
            id = "mex-adsb-cancun"
            nation = "MEX"
            kind = "adsb"
            release = "all_members"
            site = {{ lat = 21.04, lon = -86.87 }}
            range_km = 300
            [[lanes]]
            name = "channel"
            waypoints = [[21.3, -86.6], [20.7, -86.8]]
            [[lanes]]
            name = "air"
            domain = "air"
            waypoints = [[21.04, -86.87], [25.79, -80.29]]
            {extra}
            "#
        );
        Scenario::parse(&text, "test").unwrap()
    }

    #[test]
    fn every_sensor_reports_through_its_decoder() {
        let s = scenario(
            r#"
            [[traffic]]
            lanes = ["channel"]
            count = 5
            speed_kn = [8, 15]
            [[traffic]]
            lanes = ["air"]
            count = 12
            speed_kn = [400, 450]
            "#,
        );
        let mut e = Engine::new(&s, Timestamp::from_micros(1_795_000_000_000_000));
        let mut kinds = std::collections::HashMap::new();
        while let Some(step) = e.step() {
            for (k, b) in step.batches {
                for m in &b.measurements {
                    m.validate().unwrap();
                    assert!(m.time <= step.time);
                }
                *kinds.entry(k).or_insert(0) += b.measurements.len();
            }
        }
        assert!(e.stats().refused.is_empty(), "{:?}", e.stats().refused);
        assert!(kinds[&MeasurementKind::RadarPlot] > 100);
        assert!(kinds[&MeasurementKind::AisReport] > 50);
        assert!(kinds[&MeasurementKind::AdsbReport] > 300);
    }

    #[test]
    fn reports_come_out_in_time_order_within_a_step() {
        let s = Scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/scenarios/gofast.toml"
        )))
        .unwrap();
        let start = Timestamp::from_micros(1_795_000_000_000_000);
        let mut e = Engine::new(&s, start);
        let mut newest = start;
        while e.elapsed_s() < 2_000.0 {
            let step = e.step().unwrap();
            for (_, b) in &step.batches {
                for m in &b.measurements {
                    assert!(
                        m.time.secs_since(newest) > -s.step_s - 1e-6,
                        "{} after {}",
                        m.time,
                        newest
                    );
                    newest = newest.max(m.time);
                }
            }
        }
    }

    #[test]
    fn decoded_reports_match_the_truth() {
        let s = scenario(
            r#"
            [[targets]]
            name = "A"
            kind = "vessel"
            mmsi = 345000001
            waypoints = [[20.6, -86.85], [20.9, -86.7]]
            speed_kn = 12
            [[targets]]
            name = "P"
            kind = "aircraft"
            icao24 = "0d0001"
            callsign = "AMX001"
            lane = "air"
            speed_kn = 450
            "#,
        );
        let start = Timestamp::from_micros(1_795_000_000_000_000);
        let mut e = Engine::new(&s, start);
        let mut checked = [0, 0];
        while let Some(step) = e.step() {
            for (k, b) in step.batches {
                if k == MeasurementKind::RadarPlot {
                    continue;
                }
                for m in &b.measurements {
                    let i = if k == MeasurementKind::AisReport {
                        0
                    } else {
                        1
                    };
                    let truth = e.targets()[i].state_at(m.time.secs_since(start)).unwrap();
                    let err = Geodesic.distance(
                        Point::new(truth.lon, truth.lat),
                        Point::new(m.position.lon, m.position.lat),
                    );
                    assert!(err < 10.0, "{k:?} off by {err} m");
                    checked[i] += 1;
                }
            }
        }
        assert_eq!(checked[0], 30); // class A every 10 s
        assert!(checked[1] > 250, "{checked:?}"); // ADS-B about every second
    }

    #[test]
    fn asterix_radars_report_like_json_ones() {
        let mut counts = Vec::new();
        for format in ["json", "asterix"] {
            let mut s = scenario(
                r#"
                [[targets]]
                name = "A"
                kind = "vessel"
                waypoints = [[20.6, -86.85], [20.9, -86.7]]
                speed_kn = 12
                "#,
            );
            s.sensors[0].format = Some(format.to_string());
            s.sensors[0].clutter = 0.0;
            let start = Timestamp::from_micros(1_795_000_000_000_000);
            let mut e = Engine::new(&s, start);
            let mut n = 0;
            while let Some(step) = e.step() {
                for (k, b) in step.batches {
                    if k != MeasurementKind::RadarPlot {
                        continue;
                    }
                    for m in &b.measurements {
                        let dt = m.time.secs_since(start);
                        let truth = e.targets()[0].state_at(dt).unwrap();
                        let err = Geodesic.distance(
                            Point::new(truth.lon, truth.lat),
                            Point::new(m.position.lon, m.position.lat),
                        );
                        // 25 m and 0.1° at about 60 km: a few hundred metres at most.
                        assert!(err < 600.0, "{format}: {err} m");
                        n += 1;
                    }
                }
            }
            assert!(e.stats().refused.is_empty(), "{:?}", e.stats().refused);
            counts.push(n);
        }
        // Same seed, same detections: only the encoding differs.
        assert_eq!(counts[0], counts[1]);
        assert!(counts[0] > 20);
    }

    #[test]
    fn transponder_events_and_surges() {
        let s = scenario(
            r#"
            [[targets]]
            name = "A"
            kind = "vessel"
            lane = "channel"
            speed_kn = 12
            [[events]]
            kind = "transponder_off"
            target = "A"
            at_s = 100
            [[events]]
            kind = "surge"
            at_s = 50
            duration_s = 100
            lanes = ["air"]
            count = 10
            speed_kn = [400, 450]
            "#,
        );
        let e = Engine::new(&s, Timestamp::from_micros(0));
        assert!(e.targets()[0].state_at(99.0).unwrap().transponder);
        assert!(!e.targets()[0].state_at(101.0).unwrap().transponder);
        assert_eq!(e.truth_at(10.0).len(), 1);
        assert_eq!(e.truth_at(151.0).len(), 11);
        assert!(e.truth_csv_rows(151.0)[1].contains(",aircraft,"));
    }

    #[test]
    fn looping_traffic_goes_back_and_forth() {
        let mut t = SimTarget::new(
            "x".into(),
            TargetKind::Vessel,
            vec![[20.0, -87.0], [20.0, -86.0]],
            10.0,
            0.0,
        );
        t.looping = true;
        let len = t.length_m();
        let out = t.state_at(0.5 * len / 10.0).unwrap();
        let back = t.state_at(1.5 * len / 10.0).unwrap();
        assert!((out.lon - back.lon).abs() < 1e-6);
        assert!((out.course_deg - 90.0).abs() < 0.1);
        assert!((back.course_deg - 270.0).abs() < 0.1);
        assert!(t.state_at(-1.0).is_none());
    }
}

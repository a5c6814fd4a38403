//! The plain JSON plot format and plots to measurements.

use cuenca_model::{GeoPoint, Identity, MeasurementKind, NationId, ReleaseTo, SensorId};
use cuenca_radar::{
    destination, parse_plot_line, to_measurement, Plot, PlotError, PlotReader, PlotTime,
    SensorContext,
};
use proptest::prelude::*;

fn ctx() -> SensorContext {
    SensorContext {
        sensor: SensorId::new("hrv-radar-1").unwrap(),
        nation: NationId::new("HRV").unwrap(),
        release: ReleaseTo::AllMembers,
    }
}

#[test]
fn json_plot_lines_parse_or_are_refused_with_a_reason() {
    let ok = r#"{"sensor":"hrv-radar-1","time":"2026-11-28T10:00:00.250Z","range_m":52000.5,"azimuth_deg":-10,"altitude_m":3000,"extra":1}"#;
    let p = parse_plot_line(ok).unwrap();
    assert_eq!(p.plot.altitude_m, Some(3000.0));
    assert_eq!(p.plot.azimuth_deg, -10.0);
    let PlotTime::At(t) = p.plot.time else {
        panic!("absolute time")
    };
    assert_eq!(t.to_string(), "2026-11-28T10:00:00.250000Z");

    let cases: &[(&str, PlotError)] = &[
        ("[1,2]", PlotError::NotJson),
        ("{", PlotError::NotJson),
        (
            r#"{"time":"2026-11-28T10:00:00Z","range_m":1,"azimuth_deg":1}"#,
            PlotError::MissingField("sensor"),
        ),
        (
            r#"{"sensor":"a b","time":"2026-11-28T10:00:00Z","range_m":1,"azimuth_deg":1}"#,
            PlotError::BadSensor,
        ),
        (
            r#"{"sensor":"r","time":"yesterday","range_m":1,"azimuth_deg":1}"#,
            PlotError::BadTime,
        ),
        (
            r#"{"sensor":"r","time":"2026-11-28T10:00:00Z","range_m":-1,"azimuth_deg":1}"#,
            PlotError::BadRange,
        ),
        (
            r#"{"sensor":"r","time":"2026-11-28T10:00:00Z","range_m":"1","azimuth_deg":1}"#,
            PlotError::BadRange,
        ),
        (
            r#"{"sensor":"r","time":"2026-11-28T10:00:00Z","range_m":1,"azimuth_deg":400}"#,
            PlotError::BadAzimuth,
        ),
        (
            r#"{"sensor":"r","time":"2026-11-28T10:00:00Z","range_m":1,"azimuth_deg":1,"altitude_m":"x"}"#,
            PlotError::BadAltitude,
        ),
        (
            r#"{"sensor":"r","time":"2026-11-28T10:00:00Z","range_m":1,"azimuth_deg":null}"#,
            PlotError::MissingField("azimuth_deg"),
        ),
    ];
    let mut rd = PlotReader::new();
    for (line, want) in cases {
        assert_eq!(rd.feed_line(line).unwrap_err(), *want, "{line}");
    }
    assert!(rd.feed_line(ok).unwrap().is_some());
    assert!(rd.feed_line("   ").unwrap().is_none());
    assert_eq!(rd.plots(), 1);
    assert_eq!(rd.errors("not_json"), 2);
    assert_eq!(rd.errors("bad_range"), 2);
    assert_eq!(rd.errors("missing_field"), 2);
    assert_eq!(rd.by_reason().map(|(_, n)| n).sum::<u64>(), 10);
}

fn plot(range_m: f64, azimuth_deg: f64, altitude_m: Option<f64>) -> Plot {
    Plot {
        time: PlotTime::TimeOfDay(43_200.5),
        range_m,
        azimuth_deg,
        altitude_m,
        identity: Identity::default(),
    }
}

#[test]
fn measurement_has_polar_position_and_rotated_covariance() {
    let site = GeoPoint::new(45.0, 16.0);
    let day = "2026-11-28T00:00:00Z".parse().unwrap();
    let m = to_measurement(&plot(50_000.0, 45.0, None), site, 30.0, 0.2, &ctx(), day).unwrap();
    assert_eq!(m.kind, MeasurementKind::RadarPlot);
    assert_eq!(m.time.to_string(), "2026-11-28T12:00:00.500000Z");
    let polar = m.polar.unwrap();
    assert_eq!(polar.range_m, 50_000.0);
    assert_eq!(polar.site, site);
    // North-east: equal variances on both axes, correlation (σr² − σc²)/2.
    let sc = 50_000.0 * 0.2f64.to_radians();
    assert!((m.accuracy.ee - m.accuracy.nn).abs() < 1e-6);
    assert!((m.accuracy.en - (900.0 - sc * sc) / 2.0).abs() < 1e-6);
    assert!(m.position.lat > 45.3 && m.position.lon > 16.4);
    // Eigenvalues are the range and cross-range variances.
    let tr = m.accuracy.ee + m.accuracy.nn;
    assert!((tr - (900.0 + sc * sc)).abs() < 1e-6);
}

#[test]
fn altitude_turns_slant_range_into_ground_range() {
    let site = GeoPoint {
        lat: 45.0,
        lon: 16.0,
        alt_m: Some(1000.0),
    };
    let day = "2026-11-28T00:00:00Z".parse().unwrap();
    let m = to_measurement(
        &plot(5000.0, 0.0, Some(4000.0)),
        site,
        30.0,
        0.2,
        &ctx(),
        day,
    )
    .unwrap();
    assert!((m.polar.unwrap().range_m - 4000.0).abs() < 1e-9);
}

#[test]
fn destination_is_right_at_250_km() {
    // Due north 250 km: 250/6371.0088 rad of latitude.
    let (lat, lon) = destination(45.0, 16.0, 0.0, 250_000.0);
    assert!((lat - (45.0 + (250_000.0f64 / 6_371_008.8).to_degrees())).abs() < 1e-9);
    assert!((lon - 16.0).abs() < 1e-12);
    let (_, lon) = destination(0.0, 179.9, 90.0, 50_000.0);
    assert!(lon < -179.0);
}

#[test]
fn bad_inputs_are_refused_not_panicked() {
    let site = GeoPoint::new(45.0, 16.0);
    let day = "2026-11-28T00:00:00Z".parse().unwrap();
    let p = plot(f64::NAN, 0.0, None);
    assert!(to_measurement(&p, site, 30.0, 0.2, &ctx(), day).is_err());
    assert!(to_measurement(&plot(1000.0, 0.0, None), site, 0.0, 0.2, &ctx(), day).is_err());
}

proptest! {
    #[test]
    fn covariance_is_always_positive_definite(
        r in 0.0f64..400_000.0, az in -360.0f64..360.0, sr in 1.0f64..500.0, sa in 0.01f64..2.0,
        lat in -80.0f64..80.0, lon in -180.0f64..180.0,
    ) {
        let day = "2026-11-28T00:00:00Z".parse().unwrap();
        let m = to_measurement(&plot(r, az, None), GeoPoint::new(lat, lon), sr, sa, &ctx(), day);
        let m = m.unwrap();
        prop_assert!(m.accuracy.is_positive_definite());
    }

    #[test]
    fn plot_lines_never_panic(s in ".{0,200}") {
        let mut rd = PlotReader::new();
        let _ = rd.feed_line(&s);
    }
}

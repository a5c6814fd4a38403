//! The `cuenca` command as a user runs it.

mod common;
use common::{cuenca, cuenca_with_stdin, repo_file};

#[test]
fn help_lists_every_subcommand() {
    let out = cuenca().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "serve", "eval", "sim", "replay", "config", "ais", "adsb", "radar",
    ] {
        assert!(text.contains(sub), "--help lacks {sub}:\n{text}");
    }
    for (args, needle) in [
        (&["ais", "--help"][..], "decode"),
        (&["config", "--help"][..], "check"),
    ] {
        let out = cuenca().args(args).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains(needle));
    }
}

#[test]
fn config_check_accepts_the_default_and_names_the_bad_field() {
    let good = repo_file("config/cuenca.toml");
    let out = cuenca()
        .args(["config", "check"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = std::env::temp_dir().join(format!("cuenca-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&bad, text.replace("confirm_hits = 3", "confirm_hits = 0")).unwrap();
    let out = cuenca()
        .args(["config", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("fusion.confirm_hits"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sim_and_replay_refuse_bad_files_clearly() {
    let dir = std::env::temp_dir().join(format!("cuenca-simcli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = cuenca()
        .args(["sim", "no-such-scenario.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read no-such-scenario.toml"), "{err}");
    // A scenario error names the file and the field.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\nduration_s = 60\n[[targets]]\nname = \"a\"\nkind = \"submarine\"\nwaypoints = [[1, 2], [3, 4]]\nspeed_kn = 5\n").unwrap();
    let out = cuenca().arg("sim").arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("targets[0].kind"),
        "{err}"
    );
    // A recording of no known format.
    let junk = dir.join("junk.txt");
    std::fs::write(&junk, "hello\n").unwrap();
    let out = cuenca().arg("replay").arg(&junk).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junk.txt") && err.contains("unknown format"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn eval_scores_a_small_scenario_as_json() {
    let dir = std::env::temp_dir().join(format!("cuenca-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scen = dir.join("s.csv");
    let mut text = String::from("time_s,kind,target_id,x_m,y_m\n");
    for k in 0..20 {
        let t = 10.0 * k as f64;
        text.push_str(&format!(
            "{t},truth,0,{},0\n{t},detection,0,{},5\n",
            100.0 * t,
            100.0 * t + 7.0
        ));
    }
    std::fs::write(&scen, text).unwrap();
    let tracks = dir.join("tracks.csv");
    let out = cuenca()
        .args(["eval", "--json", "--scenario"])
        .arg(&scen)
        .arg("--tracks-out")
        .arg(&tracks)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["measurements"], 20);
    assert_eq!(v["truths_with_multiple_tracks"], 0);
    for k in ["mean", "localisation", "missed", "false"] {
        assert!(v["gospa"][k].is_number(), "{k}");
    }
    assert!(v["gospa"]["mean"].as_f64().unwrap() < 50.0);
    let rows = std::fs::read_to_string(&tracks).unwrap();
    assert!(rows.starts_with("time_s,track_id,x_m,y_m\n"));
    assert_eq!(rows.lines().count(), 21);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ais_decode_prints_gpsd_json_and_counts_bad_lines() {
    let input = "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\ngarbage\n!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*00\n";
    let out = cuenca_with_stdin(&["ais", "decode"], input);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["class"], "AIS");
    assert_eq!(v["type"], 1);
    assert_eq!(v["mmsi"], 366_053_209);

    let out = cuenca_with_stdin(&["ais", "decode", "--stats"], input);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"], 1);
    assert_eq!(v["by_type"]["1"], 1);
    assert_eq!(v["rejected"]["bad_checksum"], 1);
    assert!(v["sentences_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn radar_decode_reads_json_plots_and_counts_bad_lines() {
    let input = "{\"sensor\":\"col-radar-cartagena\",\"time\":\"2026-11-28T10:00:00Z\",\"range_m\":52000,\"azimuth_deg\":123.4}\nnot json\n";
    let out = cuenca_with_stdin(&["radar", "decode"], input);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(v["range_m"], 52000.0);
    assert_eq!(v["sensor"], "col-radar-cartagena");
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn adsb_decode_reads_avr_with_rs1090() {
    // A DF17 identification frame (KLM1023), then junk that must be counted, not fatal.
    let input = "*8D4840D6202CC371C32CE0576098;\n*zz;\n";
    let out = cuenca_with_stdin(&["adsb", "decode"], input);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(v["icao24"], "4840d6");
    assert_eq!(v["callsign"].as_str().map(str::trim), Some("KLM1023"));
    assert_eq!(text.lines().count(), 1);
}

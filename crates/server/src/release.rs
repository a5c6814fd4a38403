//! Releasability: the only code that decides what a nation may see.
//!
//! Filtering a fused track after the fact is not enough: its position, identity and
//! contributor list would still carry what hidden sensors said. So the service keeps
//! one picture per *audience*, a group of nations that may see exactly the same
//! sensors, and feeds each picture only those sensors' data ([`plan`]). A nation's
//! view is then built only from what it may see. [`releasable_to`] checks every track
//! again as it enters a view, so a wrong route into a picture cannot leak through any
//! egress.
//!
//! The cost grows with the number of distinct release patterns, not with nations: the
//! demo configuration's 26 members form three audiences.

use cuenca_config::Config;
use cuenca_model::{NationId, SensorId, Track};
use std::collections::{BTreeMap, BTreeSet};

/// Nations that may see exactly the same sensors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    pub nations: Vec<NationId>,
    pub sensors: BTreeSet<SensorId>,
}

/// Groups the member nations by the set of sensors released to them.
///
/// ```
/// let cfg = cuenca_config::Config::embedded()?;
/// let plan = cuenca_server::release::plan(&cfg);
/// let of = |n: &str| plan.iter().position(|a| a.nations.iter().any(|x| x.as_str() == n));
/// // MEX and JAM see the same (all-member) sensors; HND also sees its own radar.
/// assert_eq!(of("MEX"), of("JAM"));
/// assert_ne!(of("MEX"), of("HND"));
/// # Ok::<(), cuenca_config::ConfigError>(())
/// ```
pub fn plan(cfg: &Config) -> Vec<Audience> {
    let mut groups: BTreeMap<BTreeSet<SensorId>, Vec<NationId>> = BTreeMap::new();
    for &n in &cfg.members.nations {
        let seen = cfg
            .sensors
            .iter()
            .filter(|s| {
                cuenca_model::Releasability {
                    owner: s.nation,
                    to: s.release.clone(),
                }
                .allows(n)
            })
            .map(|s| s.id.clone())
            .collect();
        groups.entry(seen).or_default().push(n);
    }
    groups
        .into_iter()
        .map(|(sensors, nations)| Audience { nations, sensors })
        .collect()
}

/// Whether every contribution of `track` is released to every nation of `audience`:
/// what the per-audience pictures guarantee by construction.
pub fn releasable_to(track: &Track, audience: &Audience) -> bool {
    track.contributions.iter().all(|c| {
        // The common case first, without building a Releasability per nation.
        c.release == cuenca_model::ReleaseTo::AllMembers
            || audience
                .nations
                .iter()
                .all(|&n| c.releasability().allows(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_plan_has_one_audience_per_release_pattern() {
        let cfg = Config::embedded().unwrap();
        let plan = plan(&cfg);
        let total: usize = plan.iter().map(|a| a.nations.len()).sum();
        assert_eq!(total, cfg.members.nations.len(), "every member once");
        let find = |n: &str| {
            plan.iter()
                .find(|a| a.nations.iter().any(|x| x.as_str() == n))
                .unwrap()
        };
        let has = |a: &Audience, s: &str| a.sensors.iter().any(|x| x.as_str() == s);
        // COL's radar goes to PAN and USA (and COL); HND's radar only to HND.
        for n in ["COL", "PAN", "USA"] {
            assert!(has(find(n), "col-radar-cartagena"), "{n}");
            assert!(!has(find(n), "hnd-radar-guanaja"), "{n}");
        }
        assert!(has(find("HND"), "hnd-radar-guanaja"));
        assert!(!has(find("MEX"), "col-radar-cartagena"));
        assert!(!has(find("MEX"), "hnd-radar-guanaja"));
        assert!(has(find("MEX"), "mex-radar-cancun"));
        assert_eq!(plan.len(), 3);
    }
}
